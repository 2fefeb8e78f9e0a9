// soc278/ig/guide.hpp
//
// Provides the implementation guides compiled from grammars/ (the YAML data described in
// grammars/README.md) into immutable tables of plain structs: the element dictionary, composites,
// code lists, base segments, the envelope occurrences and one Guide per index.yaml entry (278
// request, 278 response, 999). load_guides() is the only place YAML is read; it checks every file
// (unknown keys, dangling references, duplicate ids, bad usage values) and reports the first
// problems as one Diagnostic naming file:line. Nothing on the per-segment path looks anything up
// by string: segments are keyed by a packed uint32 id, codes are packed integers (compared as a
// block of up to 8, or hashed), and every occurrence carries its matching tables and a pointer to
// its compiled checks (private to src/ig/: compiled.hpp), so the walker reads a few cache lines per
// segment.
//
// Who calls it: app start-up (once per run), the TransactionValidator (walker.hpp) for every
// segment, the model binder (`bind` names) and the explain command (loop/segment/element names).
// Ownership: a GuideSet shares one immutable block of tables; copies are cheap and every pointer
// handed out (LoopDef*, SegmentRule*, ElementRule*) stays valid while any copy is alive.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "soc278/core/result.hpp"
#include "soc278/x12/envelope.hpp"

namespace soc278::ig {

// Segment ids are 2-3 upper-case letters or digits; packed into one integer for table lookups.
// 0 means "not a segment id" (empty or longer than 3).
[[nodiscard]] constexpr std::uint32_t segment_key(std::string_view id) noexcept {
  if (id.empty() || id.size() > 3) return 0;
  std::uint32_t k = 0;
  for (char c : id) k = (k << 8) | static_cast<unsigned char>(c);
  return k;
}

namespace detail {
struct GuideData;     // src/ig/guide_data.hpp: the block a GuideSet shares
struct CodeSetAccess;  // src/ig/compiled.hpp: the walker's inline CodeSet lookup
struct CompiledRule;   // src/ig/compiled.hpp: an occurrence's compiled checks, for the walker
}  // namespace detail

enum class Usage : std::uint8_t { required, situational, not_used };
[[nodiscard]] std::string_view to_string(Usage u) noexcept;  // "R", "S", "N"

// X12 data element types (reference 5.5-5.7). N0..N9 are `numeric` with `decimals` implied places.
enum class ValueType : std::uint8_t { id, an, date, time, numeric, decimal };

// A set of code values. Codes up to 7 bytes are packed with their length into one 64-bit integer,
// so a lookup is a few integer compares and never allocates. A set of up to 8 packed codes is also
// kept in a fixed block of 8 (unused slots hold a value no packed code has), compared all at once:
// no loop whose exit depends on which code was sent; a larger one in a small hash table. Longer
// codes are kept sorted for binary search.
class CodeSet {
 public:
  void add(std::string_view code);
  void finish();  // sorts and removes duplicates; call once after the last add()
  // Out of line; the walker inlines the same lookup (src/ig/compiled.hpp).
  [[nodiscard]] bool contains(std::string_view value) const noexcept;
  // The set as up to N packed codes, unused slots holding a value no code packs to (false when the
  // set is larger or has codes longer than max_packed): for tables that keep a copy next to other
  // hot data. A value is in the set when pack(value) equals one of them.
  template <std::size_t N>
  [[nodiscard]] bool packed_block(std::array<std::uint64_t, N>& out) const noexcept {
    out.fill(no_code);
    if (!long_.empty() || packed_.size() > N) return false;
    for (std::size_t i = 0; i < packed_.size(); ++i) out[i] = packed_[i];
    return true;
  }
  [[nodiscard]] bool empty() const noexcept { return packed_.empty() && long_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return packed_.size() + long_.size(); }
  [[nodiscard]] std::vector<std::string> values() const;  // for messages and explain; sorted

  static constexpr std::size_t max_packed = 7;
  static constexpr std::uint64_t no_code = ~std::uint64_t{0};  // length byte 0xff: never a packed code
  static constexpr std::uint64_t hash_multiplier = 0x9E3779B97F4A7C15ULL;
  // Bytes in order, zero-padded to 7, then the length in the low byte: exact (a value with the same
  // bytes but another length packs differently) and ordered like the text for equal lengths.
  [[nodiscard]] static std::uint64_t pack(std::string_view code) noexcept;

 private:
  friend struct detail::CodeSetAccess;
  [[nodiscard]] bool contains_packed(std::uint64_t k) const noexcept;
  [[nodiscard]] bool contains_long(std::string_view value) const noexcept;
  static constexpr std::size_t small_size = 8;
  std::array<std::uint64_t, small_size> small_{no_code, no_code, no_code, no_code, no_code, no_code, no_code, no_code};
  std::vector<std::uint64_t> packed_;
  std::vector<std::string> long_;
  // Larger sets: the packed codes again in an open-addressing table (a power of two, at least twice
  // the codes, empty slots no_code), so a lookup is usually one multiply and one compare.
  std::vector<std::uint64_t> table_;
  unsigned shift_ = 64;
};

struct ElementDef {          // elements.yaml
  std::string ref;           // "1322", "I12"
  std::string name;
  ValueType type = ValueType::an;
  std::uint8_t decimals = 0;  // Nn
  std::uint16_t min_length = 1;
  std::uint16_t max_length = 1;
  // Every code any guide allows for this element anywhere (inline or codes_from): the "base list"
  // that tells a code not used here (IK403 I6) from one that is not a code at all (IK403 7).
  CodeSet known_codes;
};

struct CodeList {            // codes/<list>.yaml: an external code list, versioned and sourced
  std::string id, name, source, version;
  CodeSet codes;
  std::vector<std::pair<std::string, std::string>> entries;  // (code, description), sorted by code
  [[nodiscard]] std::string_view describe(std::string_view code) const noexcept;  // "" when unknown
};

struct CompositeDef {        // composites.yaml
  std::string id;            // "C023"
  std::string name;
  struct Component {
    const ElementDef* element = nullptr;
    std::string name;        // position-specific name, else the element's
  };
  std::vector<Component> components;
};

// A syntax note in X12 notation ("P0809", "L030405"), positions 1-based.
enum class SyntaxKind : std::uint8_t {
  paired,            // P: all or none of the listed
  required,          // R: at least one of the listed
  conditional,       // C: if the first is present, all the others are required
  exclusion,         // E: at most one of the listed
  list_conditional,  // L: if the first is present, at least one of the others is required
};
struct SyntaxNote {
  SyntaxKind kind = SyntaxKind::paired;
  std::uint8_t count = 0;
  std::array<std::uint8_t, 12> positions{};
  std::string text;  // as written, for messages
  // The walker's fast test: bit p set for each listed position p; `first` has the first one's bit;
  // mask_exact says the positions are distinct and below 64 (else the walker takes the full check).
  std::uint64_t mask = 0;
  std::uint64_t first = 0;
  bool mask_exact = false;
};

struct SegmentDef {          // segments.yaml: the base standard segment
  std::string id;
  std::uint32_t key = 0;
  std::string name;
  struct Slot {
    const ElementDef* element = nullptr;      // simple element, or
    const CompositeDef* composite = nullptr;  // composite element
    std::string name;                         // position-specific name, else the element's/composite's
  };
  std::vector<Slot> elements;                 // positional, [0] = position 01
  std::vector<SyntaxNote> syntax;
};

// How one element (or one component of a composite) is used in one segment occurrence.
struct ValueRule {
  Usage usage = Usage::not_used;   // elements an occurrence does not list are not used there
  const ElementDef* element = nullptr;  // nullptr for a composite element (see ElementRule)
  std::uint16_t min_length = 1;    // the dictionary's, narrowed by the occurrence
  std::uint16_t max_length = 1;
  CodeSet codes;                   // the codes this occurrence allows (empty: any / see codes_from)
  const CodeList* codes_from = nullptr;  // external list; with `codes` too, it is the base list (I6)
  std::uint16_t format_from = 0;   // DTP03-style: position (element or component) of the 1250 format qualifier
  bool tolerate = false;           // the guide allows a partner switch to accept it anyway
  std::string label;               // "UM02", "UM04-2"
  std::string name;
  std::string bind;                // model field this value fills ("" = none); the binder's only link
  std::string note;
};

struct ElementRule : ValueRule {
  std::uint16_t position = 0;      // 1-based
  const CompositeDef* composite = nullptr;
  std::uint16_t repeat = 1;        // maximum repetitions (0 = unbounded)
  std::vector<ValueRule> components;  // composite only, [0] = component 1
};

struct LoopDef;

// One segment occurrence of a loop (or of the heading / trailer): the segment as this guide uses it there.
struct SegmentRule {
  // What the walker reads for every segment comes first, so that it shares a cache line or two.
  std::uint32_t key = 0;
  Usage usage = Usage::situational;
  bool qualified = false;          // another occurrence in the loop shares the id: element 1 codes tell them apart
  bool match_component = false;    // (compiled) match_codes apply to element 1's component 1
  bool starts_hl = false;          // (compiled) the HL that starts an HL loop (loop->is_hl() and index 0)
  std::uint16_t index = 0;         // position within the loop's segment (or trailer) list
  std::uint16_t run_start = 0;     // first index of the run of same-id occurrences it belongs to (one X12 position)
  std::uint32_t max_use = 1;       // 0 = unbounded (">1")
  // Compiled by load_guides() for the walker: the codes first-element matching tests (element 1,
  // or its component 1), also as a block of packed codes when they fit; the number of positions
  // and the required ones; and the occurrence's compiled value checks, private to the walker
  // (src/ig/compiled.hpp; nullptr for a rule made by hand, which then always takes the full checks).
  // They point into this rule and the guide set: a copy made after loading still points into the original.
  bool match_inline = false;       // match_block holds match_codes
  std::uint16_t positions = 0;     // elements.size()
  std::uint64_t required_elements = 0;  // bit p set when element p (1-based, < 64) is required
  const detail::CompiledRule* compiled = nullptr;
  const CodeSet* match_codes = nullptr;
  std::array<std::uint64_t, 4> match_block{};
  std::vector<SyntaxNote> syntax;  // base notes plus the occurrence's own
  const LoopDef* loop = nullptr;   // owning loop (the guide's root for heading/trailer segments)
  std::vector<ElementRule> elements;  // one per base position, [0] = position 01
  std::string id;
  std::string name;
  const SegmentDef* def = nullptr;
  std::string note;
  std::string file;                // where it is defined, for messages ("005010X217/278-request.yaml:120")

  [[nodiscard]] const ElementRule* element(std::size_t position) const noexcept {
    return position >= 1 && position <= elements.size() ? &elements[position - 1] : nullptr;
  }
};

struct LoopDef {
  // What the walker reads for every segment comes first.
  std::string id;                  // "2000E"; "" for the transaction's root (heading, top loops, trailer)
  std::vector<SegmentRule> segments;   // [0] is the starting segment (the root: ST, then the heading)
  std::vector<const LoopDef*> children;
  std::vector<SegmentRule> trailer;    // after the child loops (the root: 999 AK9, then SE; 999 loop 2000: IK5)
  // The walker's matching tables, packed so that finding the next occurrence reads a few cache
  // lines instead of whole SegmentRules: segments[i].key, trailer[i].key, children[i]->start_key,
  // each padded with zeros to a multiple of 4 entries (compared four at a time).
  std::vector<std::uint32_t> segment_keys, trailer_keys, child_keys;
  // (compiled) Bit key_bucket(k) set for every key in those three tables: a loop whose filter lacks
  // a segment's bit cannot take it, so the walker skips it without reading the tables.
  std::uint64_t key_filter = 0;
  // (compiled) segments.size(), children.size(), trailer.size(): read on every segment.
  std::uint16_t segment_count = 0, child_count = 0, trailer_count = 0;
  [[nodiscard]] static constexpr unsigned key_bucket(std::uint32_t key) noexcept {
    return static_cast<unsigned>((std::uint64_t{key} * 0x9E3779B97F4A7C15ULL) >> 58);
  }
  [[nodiscard]] bool may_take(std::uint32_t key) const noexcept { return (key_filter >> key_bucket(key) & 1U) != 0; }
  // What starts an instance: the first segment, with one of these codes at element/component.
  std::uint32_t start_key = 0;
  std::uint16_t start_element = 0;
  std::uint16_t start_component = 0;
  bool start_inline = false;       // (compiled) start_codes fit start_block
  std::array<std::uint64_t, 4> start_block{};  // start_codes as CodeSet::packed_block
  std::uint32_t repeat = 1;        // 0 = unbounded (">1")
  std::uint16_t index = 0;         // within the guide (0 = root)
  Usage usage = Usage::situational;
  bool hl_parents_in_mask = false;  // (compiled) every hl_parents index is below 64: hl_parent_mask is exact
  std::uint64_t hl_parent_mask = 0;  // (compiled) bit i set for each hl_parents loop of index i
  // Indices of the required segment occurrences, trailer occurrences and child loops: what a closing
  // loop checks, without scanning the rest.
  std::vector<std::uint16_t> required_segments, required_trailer, required_children;
  // (compiled) Bit child->index set for each required child loop; exact when every such index is below 64.
  std::uint64_t required_children_mask = 0;
  bool required_children_in_mask = false;
  CodeSet start_codes;
  // HL loops: the level code (HL03) and the loops an HL02 may point to (none: HL02 must be empty).
  std::string hl_level;
  std::vector<const LoopDef*> hl_parents;
  std::string name;
  std::string note;
  [[nodiscard]] bool is_hl() const noexcept { return !hl_level.empty(); }
};

// A `bind:` in the guide: which value fills which model field.
struct Binding {
  std::string name;                // "event.site_code"
  const LoopDef* loop = nullptr;
  const SegmentRule* segment = nullptr;
  std::uint16_t element = 0;
  std::uint16_t component = 0;     // 0 = the whole element
};

struct Guide {
  std::string id;                  // index.yaml id: "278-request"
  std::string file;                // relative to grammars/
  std::string transaction_id;      // "278"
  std::string version;             // "005010X217"
  std::string purpose;             // "request" / "response" / ...
  std::string bht02;               // "13" / "11" / ""
  std::string name;
  LoopDef root;
  std::vector<std::unique_ptr<LoopDef>> loops;  // every definition, addresses stable
  std::vector<std::uint32_t> segment_keys;      // sorted: every segment id the guide uses anywhere
  std::vector<Binding> bindings;

  [[nodiscard]] const LoopDef* loop(std::string_view loop_id) const noexcept;
  [[nodiscard]] bool uses_segment(std::uint32_t key) const noexcept;
};

struct GuideSelector {             // one index.yaml entry
  std::string id;
  std::vector<std::string> isa12;
  std::string gs01, gs08, st01, bht02;  // bht02 "" = any
  const Guide* guide = nullptr;
};

class GuideSet {
 public:
  GuideSet() = default;

  // The guide for a transaction set; nullptr when index.yaml has no matching entry.
  [[nodiscard]] const Guide* select(std::string_view isa12, std::string_view gs01, std::string_view gs08,
                                    std::string_view st01, std::string_view bht02) const noexcept;
  // Whether any entry reads this ST01 (tells "set not supported" from "convention not supported").
  [[nodiscard]] bool supports_transaction(std::string_view st01) const noexcept;
  // Whether an entry with this ST01 needs BHT02 to be told apart (the guide cannot be chosen at ST).
  [[nodiscard]] bool needs_bht02(std::string_view st01) const noexcept;

  [[nodiscard]] const std::vector<GuideSelector>& index() const noexcept;
  [[nodiscard]] const Guide* guide(std::string_view id) const noexcept;
  [[nodiscard]] const SegmentDef* segment(std::uint32_t key) const noexcept;  // base dictionary
  [[nodiscard]] const SegmentDef* segment(std::string_view id) const noexcept { return segment(segment_key(id)); }
  [[nodiscard]] const ElementDef* element(std::string_view ref) const noexcept;
  [[nodiscard]] const CompositeDef* composite(std::string_view id) const noexcept;
  [[nodiscard]] const CodeList* code_list(std::string_view id) const noexcept;
  // envelope.yaml: ISA, TA1, GS, ST, SE, GE, IEA as every guide uses them.
  [[nodiscard]] const SegmentRule* envelope_segment(std::string_view id) const noexcept;
  // The ISA code lists of envelope.yaml, for x12::EnvelopeReader (lives as long as the set).
  [[nodiscard]] const x12::EnvelopeCodes& envelope_codes() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return data_ == nullptr; }

  explicit GuideSet(std::shared_ptr<const detail::GuideData> data) : data_(std::move(data)) {}

 private:
  std::shared_ptr<const detail::GuideData> data_;
};

// Loads and checks every file under `grammars_dir`. On failure the Diagnostic (ig.grammar_invalid)
// lists the first problems found, one per line, each as "file:line: what is wrong".
[[nodiscard]] core::Result<GuideSet> load_guides(const std::filesystem::path& grammars_dir);

}  // namespace soc278::ig
