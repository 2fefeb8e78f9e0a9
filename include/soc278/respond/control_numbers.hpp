// soc278/respond/control_numbers.hpp
//
// Provides ControlNumberSequence: the interchange / group control numbers soc278 puts on what it
// sends (ISA13, GS06) and the formatting of ISA13, GS06 and ST02. One sequence is shared by every
// writer of a run (TA1, 999, 278 response), so no two outgoing interchanges of a run carry the
// same ISA13. Where the numbers come from is injected:
//   - a start (`--control-start`, tests): one counter for the run, the same numbers every run,
//     which is what keeps golden files byte-stable;
//   - a ControlNumberSource (the app's view of the durable ledger): one counter per trading
//     partner, kept across runs, so a partner never sees an ISA13 twice. The caller says whose
//     interchange is being answered with set_partner() before the writers draw for it.
//
// Thread-safety: with a start, next() is a lock-free atomic increment and never throws. With a
// source, next() and set_partner() are for one thread (a run answers one interchange at a time).
// Numbers run to 999999999 (the largest 9-digit ISA13) and then wrap to 1, in both modes.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace soc278::respond {

// Control numbers kept across runs, per partner (implemented by the app over store::Ledger).
class ControlNumberSource {
 public:
  virtual ~ControlNumberSource() = default;
  // The next number for `partner`, 1..999999999, never handed out before (until the wrap); 0
  // when none can be had (the ledger failed: the source remembers why and the run must not
  // deliver what it wrote).
  [[nodiscard]] virtual std::uint32_t next(std::string_view partner) = 0;
  // Takes back `n`, the number next(partner) returned last, so that it is handed out again; false
  // (nothing changes) when it cannot, e.g. another number was drawn since.
  virtual bool give_back(std::string_view partner, std::uint32_t n) {
    (void)partner;
    (void)n;
    return false;
  }
};

class ControlNumberSequence {
 public:
  static constexpr std::uint32_t min_value = 1;
  static constexpr std::uint32_t max_value = 999'999'999;

  // `start` is the first number next() returns; 0 or anything above max_value starts at 1.
  explicit ControlNumberSequence(std::uint32_t start = 1) noexcept;
  // Numbers drawn from `source` (which outlives the sequence) for the partner last set.
  explicit ControlNumberSequence(ControlNumberSource& source) noexcept : next_(min_value), source_(&source) {}
  ControlNumberSequence(const ControlNumberSequence&) = delete;
  ControlNumberSequence& operator=(const ControlNumberSequence&) = delete;

  // Returns the next number and advances; after max_value comes 1 again.
  [[nodiscard]] std::uint32_t next() noexcept;
  // Takes back `n`, the number next() returned last (for the current partner), so next() returns
  // it again: a writer that drew numbers for a functional group whose answers were then withdrawn
  // (rejected at its GE) leaves no gap. False, and nothing changes, when another number was drawn since.
  bool give_back(std::uint32_t n) noexcept;
  // The number next() would return now (with a start; meaningless with a source).
  [[nodiscard]] std::uint32_t peek() const noexcept { return next_.load(std::memory_order_relaxed); }
  // Whose interchange the next numbers answer: the received ISA05 and ISA06 (partner_key()). Only
  // a source tells partners apart; with a start every partner shares the run's counter.
  void set_partner(std::string_view isa_sender_qualifier, std::string_view isa_sender_id);
  [[nodiscard]] const std::string& partner() const noexcept { return partner_; }
  // "ZZ:SOCPROVIDER01": the qualifier and the id, trailing spaces dropped.
  [[nodiscard]] static std::string partner_key(std::string_view isa_sender_qualifier, std::string_view isa_sender_id);

  // ISA13 / IEA02 / TA101: 9 digits, zero-padded ("000009002").
  [[nodiscard]] static std::string isa13(std::uint32_t n);
  // GS06 / GE02 / AK102: N0 1-9, no padding ("9002").
  [[nodiscard]] static std::string gs06(std::uint32_t n);
  // ST02 / SE02: AN 4-9, zero-padded to at least 4 digits ("0001").
  [[nodiscard]] static std::string st02(std::uint32_t n);
  // The same written into `out`, for a writer that formats one per transaction set: returns the
  // text, a view into `out`.
  [[nodiscard]] static std::string_view st02(std::uint32_t n, char (&out)[10]) noexcept;

 private:
  std::atomic<std::uint32_t> next_;
  ControlNumberSource* source_ = nullptr;
  std::string partner_;
};

}  // namespace soc278::respond
