// src/ig/walker/elements.hpp — private: the full element checks: they alone report element findings.
// Included once, by walker.cpp (whose opening comment says how the parts fit), after TransactionValidator::Impl:
// one translation unit keeps the per-segment path inlined.
#pragma once

namespace soc278::ig {

// ---- element checks (reference 5) -----------------------------------------------------------------

// HI: each code under an ICD-10-CM qualifier (core/icd10.hpp). X12 sends the code without its
// decimal point: one sent with it is read without it (a warning, IK403 6), and one that is not
// ICD-10-CM shaped is reported (IK403 7) so that the binder's refusal to read it is never silent.
void TransactionValidator::Impl::check_icd10(const x12::SegmentView& s, const SegmentRule& rule) {
  const char comp = s.delimiters().component;
  const std::size_t upto = std::min<std::size_t>(s.element_count(), rule.elements.size());
  for (std::size_t i = 1; i <= upto; ++i) {
    const ElementRule& er = rule.elements[i - 1];
    if (er.composite == nullptr || er.components.size() < 2) continue;
    const std::string_view v = s.element(i);
    const char rep = s.delimiters().repetition;
    if (rep != '\0' && v.find(rep) != std::string_view::npos) continue;  // ig.too_many_repetitions says it
    if (!core::icd10_qualifier(trim_spaces(x12::nth_piece(v, comp, 1)))) continue;
    const std::string_view code = trim_spaces(x12::nth_piece(v, comp, 2));
    if (code.empty()) continue;
    const ValueRule& cr = er.components[1];
    const core::Icd10Reading r = core::read_icd10(code);
    const auto element = static_cast<std::uint16_t>(i);
    if (r.decimal_point && r.problem != core::Icd10Problem::not_icd10)
      element_finding(core::DiagCode::ig_icd10_decimal_point, cr, element, 2, code,
                      "{} '{}' has a decimal point; X12 sends ICD-10-CM codes without it: read as {}", cr.label, cut(code), r.code());
    if (r.problem == core::Icd10Problem::not_icd10)
      element_finding(core::DiagCode::ig_icd10_invalid, cr, element, 2, code,
                      "{} '{}' is not an ICD-10-CM code (expected a letter, a digit, a digit or letter, then up to four letters "
                      "or digits, without a decimal point); not read as a diagnosis",
                      cr.label, cut(code));
    else if (r.problem == core::Icd10Problem::missing_seventh)
      element_finding(core::DiagCode::ig_icd10_invalid, cr, element, 2, code,
                      "{} '{}' is not a complete ICD-10-CM code: chapter {} codes have a 7th character ({} has {}); not read as a "
                      "diagnosis",
                      cr.label, cut(code), r.code().substr(0, 1), r.code(), r.code().size());
  }
}

SOC278_HOT void TransactionValidator::Impl::check_elements(const x12::SegmentView& s, const SegmentRule& rule) {
  const std::size_t sent = s.element_count();
  std::size_t last = sent;
  while (last > 0 && s.element_at(last).empty()) --last;
  if (last < sent) trailing_elements(s, sent, last);
  const std::size_t defined = rule.positions;  // rule.elements.size(), from the rule's first cache line
  std::uint64_t present = 0;
  const std::size_t upto = std::min(last, defined);
  segment_classes.prepare(s.delimiters());
  const std::string_view text = s.text();
  const SegmentScan scan = segment_classes.scan(text);
  const detail::CompiledRule* compiled = rule.compiled;  // nullptr for a rule made by hand: the full checks
  if (!scan.rep_or_bad && compiled != nullptr && compiled->fast.size() >= defined && upto < 64 && options.fast_path) [[likely]] {
    // The fast path: each value against its compiled FastCheck. It only marks what it cannot
    // clear (`slow`); check_element then takes those in element order and reports, so the loop
    // itself calls nothing and keeps its state in registers.
    const FastCheck* fast = compiled->fast.data();
    const std::uint64_t required = rule.required_elements;
    const char comp = s.delimiters().component;
    // The component separators lie between the first and the last one: a value outside that
    // span holds none, without looking at its bytes.
    std::uintptr_t comp_first = 1;  // none: no value starts at or before 0
    std::uintptr_t comp_last = 0;
    if (scan.component) {
      comp_first = reinterpret_cast<std::uintptr_t>(std::memchr(text.data(), comp, text.size()));
      comp_last = reinterpret_cast<std::uintptr_t>(core::simd::find_last_fast(text.data(), text.size(), comp));
    }
    std::uint64_t slow = 0;
    for (std::size_t i = 1; i <= upto; ++i) {
      const std::string_view v = s.element_at(i);
      const std::uint64_t bit = std::uint64_t{1} << i;
      const std::size_t n = v.size();
      if (n == 0) {
        slow |= required & bit;  // a required element sent empty: the full checks report it
        continue;
      }
      present |= bit;
      const FastCheck& f = fast[i - 1];
      const auto at = reinterpret_cast<std::uintptr_t>(v.data());
      const bool maybe_component = at <= comp_last && at + n > comp_first;
      bool ok = false;
      if (f.kind == FastCheck::Kind::text) {
        // AN / ID, the common case, inline: no edge space, length, codes, no component separator.
        ok = v[0] != ' ' && v[n - 1] != ' ' && n >= f.min_length && n <= f.max_length &&
             has_code(f, v) && (!maybe_component || !has_byte(v, comp)) &&
             (f.format_from == 0 || fast_format(s.element_at(f.format_from), v));
      } else {
        ok = fast_element(s, rule, f, v, maybe_component);
      }
      slow |= ok ? 0 : bit;
    }
    for (std::uint64_t unused = 0; slow != 0; slow &= slow - 1) {  // `present` is complete already
      const auto i = static_cast<std::size_t>(core::simd::lowest_bit(slow));
      element_values(s, rule, i, i, unused);
    }
    if (last > defined || (last < defined && (rule.required_elements >> (last + 1)) != 0)) element_tail(s, rule, last);
  } else {
    element_values(s, rule, 1, upto, present);
    element_tail(s, rule, last);
  }
  if (rule.positions != 0 && text.size() > 2 && text[0] == 'H' && text[1] == 'I' && text[2] == s.delimiters().element) [[unlikely]]
    check_icd10(s, rule);
  if (!rule.syntax.empty() && !options.fast_path) {
    check_syntax(rule, present);
  } else if (!rule.syntax.empty()) {
    const std::size_t h = static_cast<std::size_t>(((reinterpret_cast<std::uintptr_t>(&rule) >> 4) ^ (present * 0x9E3779B97F4A7C15ULL >> 58)) & 63U);
    SyntaxMemo& memo = syntax_memo[h];
    if (memo.rule != &rule || memo.present != present) {
      if (fast_syntax(rule, present)) {
        memo.rule = &rule;
        memo.present = present;
      } else {
        check_syntax(rule, present);
      }
    }
  }
}

// Trailing empty elements (reference 5.3): one finding for the run.
void TransactionValidator::Impl::trailing_elements(const x12::SegmentView& s, std::size_t sent, std::size_t last) {
  const core::Severity sev = options.accept_trailing_separators ? core::Severity::warning : core::Severity::error;
  count(sev);
  if (wanted()) {
    core::SourcePosition at = seg_at();
    at.element = static_cast<std::uint16_t>(last + 1);
    store(make(core::DiagCode::ig_trailing_separator, sev, at, s.id(), seg_loop,
               fmt::format("{} ends with {} empty element(s) after {}{:02} (reference 5.3: omit trailing separators)", s.id(),
                           sent - last, s.id(), last)));
  } else {
    ++result.findings_dropped;
  }
}

// The full checks of elements first..upto (1-based), reporting what they find; `present` gets
// the non-empty positions.
void TransactionValidator::Impl::element_values(const x12::SegmentView& s, const SegmentRule& rule, std::size_t first,
                                                std::size_t upto, std::uint64_t& present) {
  for (std::size_t i = first; i <= upto; ++i) {
    const ElementRule& er = rule.elements[i - 1];
    const std::string_view v = s.element(i);
    if (v.empty()) {
      if (er.usage == Usage::required)
        element_finding(core::DiagCode::ig_element_required_missing, er, static_cast<std::uint16_t>(i), 0, v,
                        "{} ({}) is required, found it empty", er.label, er.name);
      continue;
    }
    if (i < 64) present |= std::uint64_t{1} << i;
    if (er.usage == Usage::not_used) {
      element_finding(core::DiagCode::ig_element_not_used, er, static_cast<std::uint16_t>(i), 0, v,
                      "{} ({}) is not used by the guide here, found '{}'", er.label, er.name, cut(v));
      if (!tolerated(er)) continue;  // accepted by a quirk switch: check it like any other value
    }
    check_element(s, er, v);
  }
}

// Elements beyond the definition, and required ones after the last element sent.
void TransactionValidator::Impl::element_tail(const x12::SegmentView& s, const SegmentRule& rule, std::size_t last) {
  const std::size_t defined = rule.elements.size();
  if (last > defined) {
    const std::string_view v = s.element(defined + 1);
    static const ValueRule none;
    element_finding(core::DiagCode::ig_too_many_elements, none, static_cast<std::uint16_t>(defined + 1), 0, v,
                    "{} has {} elements, its definition {}", s.id(), last, defined);
  }
  for (std::size_t i = last + 1; i <= defined; ++i) {
    const ElementRule& er = rule.elements[i - 1];
    if (er.usage == Usage::required)
      element_finding(core::DiagCode::ig_element_required_missing, er, static_cast<std::uint16_t>(i), 0, std::string_view{},
                      "{} ({}) is required, found the segment ending before it", er.label, er.name);
  }
}

void TransactionValidator::Impl::check_element(const x12::SegmentView& s, const ElementRule& er, std::string_view value) {
  const auto pos = er.position;
  const x12::Delimiters& d = s.delimiters();
  classes.prepare(d.repetition, d.component);
  const ValueScan scanned = classes.scan(value);
  // Repetitions (ISA11 from 00402 on).
  if (scanned.repetition) {
    std::size_t reps = 0;
    for_each_piece(value, d.repetition, [&](std::size_t, std::string_view) {
      ++reps;
      return true;
    });
    if (er.repeat != 0 && reps > er.repeat) {
      element_finding(core::DiagCode::ig_too_many_repetitions, er, pos, 0, value, "{} repeats {} times, the guide allows {}",
                      er.label, reps, er.repeat);
      return;
    }
    for_each_piece(value, d.repetition, [&](std::size_t, std::string_view rep) {
      if (!rep.empty()) check_element(s, er, rep);  // no repetition separator inside a piece: no recursion beyond one level
      return true;
    });
    return;
  }
  if (er.composite != nullptr && !scanned.component) {
    // One component only: the common case (HI01 'ABK', UM04 sent as '22' alone is caught below).
    const ValueRule& cr = er.components.empty() ? static_cast<const ValueRule&>(er) : er.components[0];
    if (cr.usage == Usage::not_used) {
      element_finding(core::DiagCode::ig_element_not_used, cr, pos, 1, value, "{} ({}) is not used by the guide here, found '{}'",
                      cr.label, cr.name, cut(value));
      if (!tolerated(cr)) return;
    }
    check_value(s, cr, pos, 1, value, value, scanned.printable);
    for (std::size_t i = 2; i <= er.components.size(); ++i) {
      const ValueRule& rest = er.components[i - 1];
      if (rest.usage == Usage::required)
        element_finding(core::DiagCode::ig_element_required_missing, rest, pos, static_cast<std::uint16_t>(i), std::string_view{},
                        "{} ({}) is required, found the composite ending before it", rest.label, rest.name);
    }
    return;
  }
  if (er.composite != nullptr) {
    std::size_t count_sent = 0;
    std::size_t last = 0;
    for_each_piece(value, d.component, [&](std::size_t i, std::string_view c) {
      count_sent = i;
      if (!c.empty()) last = i;
      return true;
    });
    if (last < count_sent) {
      const core::Severity sev = options.accept_trailing_separators ? core::Severity::warning : core::Severity::error;
      count(sev);
      if (wanted()) {
        core::SourcePosition at = seg_at();
        at.element = pos;
        at.component = static_cast<std::uint16_t>(last + 1);
        core::Diagnostic diag = make(core::DiagCode::ig_trailing_separator, sev, at, s.id(), seg_loop,
                                     fmt::format("{} ends with {} empty component(s) (reference 5.3: omit trailing separators)",
                                                 er.label, count_sent - last));
        diag.found_value = cut(value);
        pending.push_back(std::move(diag));
      } else {
        ++result.findings_dropped;
      }
    }
    const std::size_t defined = er.components.size();
    if (last > defined) {
      element_finding(core::DiagCode::ig_too_many_components, er, pos, static_cast<std::uint16_t>(defined + 1), value,
                      "{} has {} components, composite {} defines {}", er.label, last, er.composite->id, defined);
    }
    for_each_piece(value, d.component, [&](std::size_t i, std::string_view c) {
      if (i > defined || i > last) return false;
      const ValueRule& cr = er.components[i - 1];
      if (c.empty()) {
        if (cr.usage == Usage::required)
          element_finding(core::DiagCode::ig_element_required_missing, cr, pos, static_cast<std::uint16_t>(i), c,
                          "{} ({}) is required, found it empty", cr.label, cr.name);
        return true;
      }
      if (cr.usage == Usage::not_used) {
        element_finding(core::DiagCode::ig_element_not_used, cr, pos, static_cast<std::uint16_t>(i), c,
                        "{} ({}) is not used by the guide here, found '{}'", cr.label, cr.name, cut(c));
        if (!tolerated(cr)) return true;
      }
      check_value(s, cr, pos, static_cast<std::uint16_t>(i), c, value, scanned.printable);
      return true;
    });
    for (std::size_t i = last + 1; i <= defined; ++i) {
      const ValueRule& cr = er.components[i - 1];
      if (cr.usage == Usage::required)
        element_finding(core::DiagCode::ig_element_required_missing, cr, pos, static_cast<std::uint16_t>(i), std::string_view{},
                        "{} ({}) is required, found the composite ending before it", cr.label, cr.name);
    }
    return;
  }
  if (scanned.component) {
    element_finding(core::DiagCode::ig_too_many_components, er, pos, 0, value,
                    "{} is a simple element, found components in '{}' (component separator '{}')", er.label, cut(value),
                    d.component);
    return;
  }
  check_value(s, er, pos, 0, value, {}, scanned.printable);
}

SOC278_INLINE void TransactionValidator::Impl::check_value(const x12::SegmentView& s, const ValueRule& rule, std::uint16_t element,
                                             std::uint16_t component, std::string_view value, std::string_view composite_value,
                                             bool known_printable) {
  if (rule.element == nullptr) return;
  const ElementDef& def = *rule.element;
  if (value.front() == ' ' || value.back() == ' ') {
    element_finding(core::DiagCode::ig_element_space_padded, rule, element, component, value,
                    "{} '{}' has leading or trailing spaces", rule.label, cut(value));
    value = trim_spaces(value);
    if (value.empty()) return;
  }
  bool well_formed = true;
  switch (def.type) {
    case ValueType::an:
    case ValueType::id:
      if (!known_printable && !printable(value)) {
        element_finding(core::DiagCode::ig_element_invalid_character, rule, element, component, value,
                        "{} holds a character outside the X12 character set", rule.label);
        well_formed = false;
      }
      break;
    case ValueType::numeric:
      if (!x12::parse_integer(value)) {
        element_finding(core::DiagCode::ig_element_invalid_character, rule, element, component, value,
                        "{} '{}' is not a number (type N{}: digits, an optional leading '-')", rule.label, cut(value), def.decimals);
        well_formed = false;
      }
      break;
    case ValueType::decimal:
      if (!x12::parse_decimal(value)) {
        element_finding(core::DiagCode::ig_element_invalid_character, rule, element, component, value,
                        "{} '{}' is not a decimal number (type R)", rule.label, cut(value));
        well_formed = false;
      }
      break;
    case ValueType::date: {
      const bool ok = def.max_length == 6 ? value.size() == 6 && x12::parse_date_yymmdd(value).has_value()
                                          : value.size() == 8 && x12::parse_date(value).has_value();
      if (!ok) {
        element_finding(core::DiagCode::ig_element_invalid_date, rule, element, component, value,
                        "{} '{}' is not a valid {} date", rule.label, cut(value), def.max_length == 6 ? "YYMMDD" : "CCYYMMDD");
        return;
      }
      break;
    }
    case ValueType::time:
      if (!x12::parse_time(value)) {
        element_finding(core::DiagCode::ig_element_invalid_time, rule, element, component, value,
                        "{} '{}' is not a valid HHMM[SS[D[D]]] time", rule.label, cut(value));
        return;
      }
      break;
  }
  // Codes first: a value outside the list is reported as such, not also as a length problem.
  const bool listed = !rule.codes.empty() || rule.codes_from != nullptr;
  if (listed && !(rule.codes.empty() ? detail::contains(rule.codes_from->codes, value) : detail::contains(rule.codes, value))) {
    const std::string allowed = rule.codes.empty() ? fmt::format("code list {}", rule.codes_from->id) : code_preview(rule.codes);
    if (detail::contains(def.known_codes, value)) {
      // A code of this element that the guide allows elsewhere, not here (IK403 I6).
      element_finding(core::DiagCode::ig_code_not_used, rule, element, component, value,
                      "{} '{}' is a valid {} code, but the guide does not use it here (allowed: {})", rule.label, cut(value),
                      def.ref, allowed);
    } else {
      element_finding(core::DiagCode::ig_element_invalid_code, rule, element, component, value,
                      "{} '{}' is not a valid code here (allowed: {})", rule.label, cut(value), allowed);
    }
    return;
  }
  if (well_formed) {
    const bool numeric = def.type == ValueType::numeric || def.type == ValueType::decimal;
    const std::size_t len = numeric ? x12::numeric_length(value) : value.size();
    if (len < rule.min_length) {
      element_finding(core::DiagCode::ig_element_too_short, rule, element, component, value,
                      "{} '{}' has {} character(s), the minimum is {} ({} {}/{})", rule.label, cut(value), len, rule.min_length,
                      type_name(def), rule.min_length, rule.max_length);
    } else if (len > rule.max_length) {
      element_finding(core::DiagCode::ig_element_too_long, rule, element, component, value,
                      "{} has {} character(s), the maximum is {} ({} {}/{})", rule.label, len, rule.max_length, type_name(def),
                      rule.min_length, rule.max_length);
    }
  }
  if (rule.format_from != 0) {
    const std::string_view format = component == 0 ? s.element(rule.format_from)
                                                   : x12::nth_piece(composite_value, s.delimiters().component, rule.format_from);
    if (!valid_by_format(trim_spaces(format), value)) {
      element_finding(core::DiagCode::ig_element_invalid_date, rule, element, component, value,
                      "{} '{}' is not a valid {} value ({})", rule.label, cut(value), trim_spaces(format),
                      trim_spaces(format) == "RD8" ? "CCYYMMDD-CCYYMMDD, start <= end" : "date");
    }
  }
}

void TransactionValidator::Impl::check_syntax(const SegmentRule& rule, std::uint64_t present) {
  auto has = [&](std::uint8_t p) { return p < 64 && (present >> p & 1U) != 0; };
  for (const SyntaxNote& n : rule.syntax) {
    std::size_t count_present = 0;
    for (std::size_t i = 0; i < n.count; ++i) count_present += has(n.positions[i]) ? 1 : 0;
    auto at_rule = [&](std::uint8_t p) -> const ElementRule& { return rule.elements[p - 1]; };
    switch (n.kind) {
      case SyntaxKind::paired:
        if (count_present != 0 && count_present != n.count) {
          for (std::size_t i = 0; i < n.count; ++i) {
            const std::uint8_t p = n.positions[i];
            if (!has(p))
              element_finding(core::DiagCode::ig_syntax_paired, at_rule(p), p, 0, {},
                              "{}: {} is required because another of the paired elements is present", n.text, at_rule(p).label);
          }
        }
        break;
      case SyntaxKind::required:
        if (count_present == 0) {
          const std::uint8_t p = n.positions[0];
          element_finding(core::DiagCode::ig_syntax_required, at_rule(p), p, 0, {}, "{}: at least one of the listed elements is required",
                          n.text);
        }
        break;
      case SyntaxKind::conditional:
        if (has(n.positions[0])) {
          for (std::size_t i = 1; i < n.count; ++i) {
            const std::uint8_t p = n.positions[i];
            if (!has(p))
              element_finding(core::DiagCode::ig_syntax_conditional, at_rule(p), p, 0, {}, "{}: {} is required because {} is present",
                              n.text, at_rule(p).label, at_rule(n.positions[0]).label);
          }
        }
        break;
      case SyntaxKind::exclusion:
        if (count_present > 1) {
          std::size_t seen = 0;
          for (std::size_t i = 0; i < n.count; ++i) {
            const std::uint8_t p = n.positions[i];
            if (has(p) && ++seen > 1)
              element_finding(core::DiagCode::ig_syntax_exclusion, at_rule(p), p, 0, {},
                              "{}: only one of the listed elements may be present, found {} too", n.text, at_rule(p).label);
          }
        }
        break;
      case SyntaxKind::list_conditional:
        if (has(n.positions[0]) && count_present == 1) {
          const std::uint8_t p = n.positions[1];
          element_finding(core::DiagCode::ig_syntax_list_conditional, at_rule(p), p, 0, {},
                          "{}: {} is present, so at least one of the other listed elements is required", n.text,
                          at_rule(n.positions[0]).label);
        }
        break;
    }
  }
}
}  // namespace soc278::ig
