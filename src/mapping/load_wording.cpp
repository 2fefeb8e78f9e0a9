// mappings/wording.yaml: the sentences of the evaluator's rules and the documents a pend asks for.
#include <map>

#include "load_parts.hpp"

namespace soc278::mapping::detail {

Wording load_wording(const File& f) {
  const yaml::Node& root = f.root();
  f.keys(root, "wording.yaml", {"source", "phrases"});
  (void)f.str(root, "source", "wording.yaml");
  const yaml::Node phrases = f.require(root, "phrases", "wording.yaml");
  std::map<std::string_view, Phrase> by_key;
  for (std::size_t i = 0; i < phrase_count; ++i) by_key.emplace(key_of(static_cast<Phrase>(i)), static_cast<Phrase>(i));

  Wording out;
  std::array<bool, phrase_count> seen{};
  bool bad = false;
  if (!phrases.IsMap()) f.fail(DiagCode::mapping_wrong_type, phrases, "phrases must be a map of key: text");
  for (const auto& item : phrases) {
    const yaml::Node& key_node = item.first;
    const yaml::Node& value = item.second;
    const std::string& key = key_node.Scalar();
    const auto it = by_key.find(key);
    if (it == by_key.end()) {
      f.note(DiagCode::mapping_invalid, key_node, fmt::format("phrases: unknown key '{}' (the evaluator writes no such phrase)", key), key);
      bad = true;
      continue;
    }
    const Phrase p = it->second;
    seen[static_cast<std::size_t>(p)] = true;
    if (!value.IsScalar()) {
      f.note(DiagCode::mapping_invalid, value, fmt::format("phrases.{} must be a text", key));
      bad = true;
      continue;
    }
    Template& t = out[p];
    std::string error;
    if (!parse_template(value.Scalar(), t, error)) {
      f.note(DiagCode::mapping_invalid, value, fmt::format("phrases.{}: {}", key, error), value.Scalar());
      bad = true;
      continue;
    }
    const std::uint64_t extra = t.slots & ~allowed_slots(p);
    for (std::size_t s = 0; s < slot_count; ++s) {
      if (((extra >> s) & 1u) == 0) continue;
      std::string allowed;
      for (std::size_t a = 0; a < slot_count; ++a)
        if ((allowed_slots(p) >> a) & 1u) allowed += fmt::format("{}{{{}}}", allowed.empty() ? "" : " ", to_string(static_cast<Slot>(a)));
      f.note(DiagCode::mapping_invalid, value,
             fmt::format("phrases.{}: {{{}}} is not known when this phrase is written (it may use: {})", key,
                         to_string(static_cast<Slot>(s)), allowed.empty() ? "no placeholder" : allowed),
             value.Scalar());
      bad = true;
    }
  }
  for (std::size_t i = 0; i < phrase_count; ++i) {
    if (seen[i]) continue;
    f.note(DiagCode::mapping_missing_key, phrases, fmt::format("phrases lacks the key '{}'", key_of(static_cast<Phrase>(i))));
    bad = true;
  }
  if (bad) throw Skip{};
  return out;
}

}  // namespace soc278::mapping::detail
