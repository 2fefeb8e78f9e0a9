// One mutation of samples/infliximab-hopd.x12 per finding code: each asserts the code, the set
// position (IK302), the loop (IK303), the segment and element positions (IK401) and the bad value
// (IK404), through test::brief(): "code@position/loop SEGnn-c 'value'".
//
// Positions in the unmutated sample: 1 ST, 2 BHT, 3 HL(2000A), 4 NM1*X3, 5 HL(2000B), 6 NM1*1P,
// 7 PER, 8 HL(2000C), 9 NM1*IL, 10 N3, 11 N4, 12 DMG, 13 HL(2000E), 14 TRN, 15 UM, 16 DTP*AAH,
// 17 HI, 18 MSG, 19 NM1*FA (2010EA), 20 N3, 21 N4, 22 HL(2000F), 23 TRN, 24 UM, 25 DTP*472,
// 26 SV1, 27 HSD, 28 NM1*SJ (2010F), 29 HL(2000F), 30-35 the second line, 36 SE.
#include "soc278/ig/walker.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <unistd.h>

#include "ig_support.hpp"

using namespace soc278;
using Briefs = std::vector<std::string>;

namespace {

const ig::TransactionResult& only(const test::ValidationRun& run) {
  REQUIRE(run.envelope.empty());
  REQUIRE(run.transactions.size() == 1);
  return run.transactions[0].result;
}

Briefs findings_at(std::size_t position, std::string_view to, const ig::ValidationOptions& o = {}) {
  const auto run = test::validate_text(test::mutate_at(test::infliximab(), position, to), o);
  const auto& r = only(run);
  return test::briefs(r);
}

const core::Diagnostic& first(const test::ValidationRun& run, core::DiagCode code) {
  for (const auto* d : run.all())
    if (d->code == code) return *d;
  FAIL("no " << core::name(code));
  throw 0;
}

// A copy of grammars/ with one text replacement, loaded (for rules the shipped data has no example of).
ig::GuideSet grammars_with(const std::string& file, const std::string& from, const std::string& to) {
  static int n = 0;
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("soc278-igc-{}-{}", ::getpid(), ++n);
  std::filesystem::remove_all(dir);
  std::filesystem::copy(test::source_dir() / "grammars", dir, std::filesystem::copy_options::recursive);
  std::string text = test::read_file(dir / file);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(dir / file, std::ios::trunc) << text;
  auto r = ig::load_guides(dir);
  std::filesystem::remove_all(dir);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

}  // namespace

// ---- IK304 segment errors -----------------------------------------------------------------------

TEST_CASE("IK304 1: unrecognised segment id", "[ig][conformance]") {
  CHECK(findings_at(18, "MSG*X~\nZZZ*1") == Briefs{"ig.segment_unrecognized@19/2000E ZZZ"});
}

TEST_CASE("IK304 2: a segment the guide uses elsewhere", "[ig][conformance]") {
  // SV1 belongs to 2000F; after MSG in 2000E it fits nowhere in the open loops.
  CHECK(findings_at(18, "MSG*X~\nSV1*HC:J1745*1*UN*1") == Briefs{"ig.segment_unexpected@19/2000E SV1"});
}

TEST_CASE("IK304 6: a segment the request guide never uses", "[ig][conformance]") {
  // HCR is a response segment: the base 278 has it, the X217 request does not.
  CHECK(findings_at(18, "MSG*X~\nHCR*A1") == Briefs{"ig.segment_not_in_set@19/2000E HCR"});
}

TEST_CASE("IK304 3: required segment missing, reported once its loop has ended", "[ig][conformance]") {
  // 2000E holds the 2000F loops, so it ends at SE (now position 35).
  CHECK(findings_at(15, "") == Briefs{"ig.required_segment_missing@35/2000E UM"});
}

TEST_CASE("IK304 3: required loop missing", "[ig][conformance]") {
  CHECK(findings_at(4, "") == Briefs{"ig.required_loop_missing@35/2010A NM1"});
}

TEST_CASE("IK304 4: loop over its maximum repeats", "[ig][conformance]") {
  CHECK(findings_at(4, "NM1*X3*2*PLAN*****PI*GAHIM01~\nNM1*X3*2*PLAN*****PI*GAHIM01") ==
        Briefs{"ig.loop_over_max_repeats@5/2010A NM1"});
}

TEST_CASE("IK304 5: segment over its maximum use", "[ig][conformance]") {
  CHECK(findings_at(18, "MSG*X~\nMSG*Y") == Briefs{"ig.segment_over_max_use@19/2000E MSG"});
  // TRN may come twice (submitter and clearinghouse), not three times.
  CHECK(findings_at(14, "TRN*1*A*1800000017~\nTRN*1*B*1800000017~\nTRN*1*C*1800000017") ==
        Briefs{"ig.segment_over_max_use@16/2000E TRN"});
}

TEST_CASE("IK304 7: segment out of sequence", "[ig][conformance]") {
  // TRN moved after UM: it belongs to 2000E but before what was already read.
  const std::string text = test::mutate_at(test::mutate_at(test::infliximab(), 14, ""), 14, "UM*HS*I*1*22:B~\nTRN*1*REQ0001EV*1800000017");
  const auto run = test::validate_text(text);
  CHECK(test::briefs(only(run)) == Briefs{"ig.segment_out_of_sequence@15/2000E TRN"});
  // Same-id occurrences share one position: DTP*439 after DTP*AAH is in order.
  CHECK(findings_at(16, "DTP*AAH*RD8*20261201-20270531~\nDTP*439*D8*20261101").empty());
}

TEST_CASE("IK304 7: a segment out of place is placed by its qualifier", "[ig][conformance]") {
  // REF*BB after 2010EA's N4: 2010EA's REF does not take BB, 2000E's REF*BB does (and was passed).
  CHECK(findings_at(21, "N4*ATLANTA*GA*30303~\nREF*BB*AUTH1") == Briefs{"ig.segment_out_of_sequence@22/2000E REF"});
}

TEST_CASE("IK304 8 accompanies element errors - I4: a not-used segment occurrence", "[ig][conformance]") {
  CHECK(findings_at(15, "UM*HS*Z*1*22:B") ==
        Briefs{"ig.segment_has_element_errors@15/2000E UM", "ig.element_invalid_code@15/2000E UM02 'Z'"});
  // The shipped guides mark no whole segment N; a copy marks 2000E MSG not used.
  const ig::GuideSet g = grammars_with("005010X217/278-request.yaml", "      - id: MSG\n        name: Message Text\n        usage: S",
                                       "      - id: MSG\n        name: Message Text\n        usage: N");
  const auto run = test::validate_text(test::infliximab(), {}, SIZE_MAX, &g);
  CHECK(test::briefs(only(run)) == Briefs{"ig.segment_not_used@18/2000E MSG"});
}

// ---- IK403 element errors -----------------------------------------------------------------------

TEST_CASE("IK403 1: required element missing, empty or cut short", "[ig][conformance]") {
  CHECK(findings_at(15, "UM*HS**1*22:B") ==
        Briefs{"ig.segment_has_element_errors@15/2000E UM", "ig.element_required_missing@15/2000E UM02"});
  CHECK(findings_at(15, "UM*HS") ==
        Briefs{"ig.segment_has_element_errors@15/2000E UM", "ig.element_required_missing@15/2000E UM02"});
  // A required component.
  CHECK(findings_at(15, "UM*HS*I*1*22") ==
        Briefs{"ig.segment_has_element_errors@15/2000E UM", "ig.element_required_missing@15/2000E UM04-2"});
  const std::string text = test::mutate_at(test::infliximab(), 15, "UM*HS**1*22:B");
  const auto run = test::validate_text(text);
  const auto& d = first(run, core::DiagCode::ig_element_required_missing);
  CHECK(d.element_ref == "1322");
  CHECK(d.at.byte_offset == text.find("\nUM*HS**1") + 1);
  CHECK(d.at.segment_in_file == 17);  // ISA, GS, then set position 15
  CHECK(d.at.segment_in_set == 15);
  CHECK(d.at.element == 2);
  CHECK(d.loop_id == "2000E");
  CHECK(d.segment() == "UM");
  CHECK(d.message == "UM02 (Certification Type Code) is required, found it empty");
  CHECK(core::info(d.code).x12_code == "1");
}

TEST_CASE("IK403 2: syntax notes P, R, C and L", "[ig][conformance]") {
  SECTION("P0809: NM108 without NM109") {
    CHECK(findings_at(19, "NM1*FA*2*DEMO HOSPITAL*****XX") ==
          Briefs{"ig.segment_has_element_errors@19/2010EA NM1", "ig.syntax_paired@19/2010EA NM109"});
  }
  SECTION("R0203: REF with neither REF02 nor REF03") {
    CHECK(findings_at(15, "UM*HS*I*1*22:B~\nREF*BB") ==
          Briefs{"ig.segment_has_element_errors@16/2000E REF", "ig.element_required_missing@16/2000E REF02",
                 "ig.syntax_required@16/2000E REF02"});
  }
  SECTION("C0605: HSD06 without HSD05") {
    CHECK(findings_at(27, "HSD*VS*4****1") ==
          Briefs{"ig.segment_has_element_errors@27/2000F HSD", "ig.syntax_conditional@27/2000F HSD05"});
  }
  SECTION("L: no shipped segment has an L note; a copy gives MSG L010203") {
    const ig::GuideSet g = grammars_with("segments.yaml", "    syntax: [C0302]", "    syntax: [C0302, L010203]");
    const auto run = test::validate_text(test::infliximab(), {}, SIZE_MAX, &g);
    CHECK(test::briefs(only(run)) ==
          Briefs{"ig.segment_has_element_errors@18/2000E MSG", "ig.syntax_list_conditional@18/2000E MSG02"});
  }
}

TEST_CASE("IK403 10: syntax note E (exclusion)", "[ig][conformance]") {
  // N4 E0207: a state (N402) and a country subdivision (N407) exclude each other; C0704 then wants N404.
  CHECK(findings_at(21, "N4*ATLANTA*GA*30303****XX") ==
        Briefs{"ig.segment_has_element_errors@21/2010EA N4", "ig.syntax_exclusion@21/2010EA N407",
               "ig.syntax_conditional@21/2010EA N404"});
}

TEST_CASE("IK403 3: too many elements", "[ig][conformance]") {
  CHECK(findings_at(10, "N3*201 TEST STREET*APT 1*X") ==
        Briefs{"ig.segment_has_element_errors@10/2010C N3", "ig.too_many_elements@10/2010C N303 'X'"});
}

TEST_CASE("IK403 4 and 5: too short, too long", "[ig][conformance]") {
  CHECK(findings_at(14, "TRN*1*REQ0001EV*180000001") ==
        Briefs{"ig.segment_has_element_errors@14/2000E TRN", "ig.element_too_short@14/2000E TRN03 '180000001'"});
  const std::string long_name(61, 'A');
  CHECK(findings_at(9, "NM1*IL*1*" + long_name + "*ALPHA****MI*SOC000000101") ==
        Briefs{"ig.segment_has_element_errors@9/2010C NM1", "ig.element_too_long@9/2010C NM103 '" + long_name + "'"});
  // For R and N the sign and the decimal point do not count (reference 5.5): SV104 is R 1-15.
  CHECK(findings_at(26, "SV1*HC:J1745*9600*UN*-123456789012.345").empty());
}

TEST_CASE("IK403 6: invalid character", "[ig][conformance]") {
  CHECK(findings_at(26, "SV1*HC:J1745*96X0*UN*160") ==
        Briefs{"ig.segment_has_element_errors@26/2000F SV1", "ig.element_invalid_character@26/2000F SV102 '96X0'"});
  CHECK(findings_at(18, "MSG*CAF\xC3\xA9") ==
        Briefs{"ig.segment_has_element_errors@18/2000E MSG", "ig.element_invalid_character@18/2000E MSG01 'CAF\xC3\xA9'"});
}

TEST_CASE("IK403 7: invalid code value, also on a loop's start element", "[ig][conformance]") {
  CHECK(findings_at(15, "UM*HS*Z*1*22:B") ==
        Briefs{"ig.segment_has_element_errors@15/2000E UM", "ig.element_invalid_code@15/2000E UM02 'Z'"});
  CHECK(findings_at(17, "HI*XYZ:M0579") ==
        Briefs{"ig.segment_has_element_errors@17/2000E HI", "ig.element_invalid_code@17/2000E HI01-1 'XYZ'"});
}

TEST_CASE("IK403 I6: a code of the element the guide does not use here", "[ig][conformance]") {
  // REF01 BB is a 2000E qualifier, not one 2010EA takes.
  const auto text = test::mutate_at(test::infliximab(), 19, "NM1*FA*2*DEMO~\nREF*BB*123");
  const auto run = test::validate_text(text);
  CHECK(test::briefs(only(run)) == Briefs{"ig.segment_has_element_errors@20/2010EA REF", "ig.code_not_used@20/2010EA REF01 'BB'"});
  CHECK(core::info(core::DiagCode::ig_code_not_used).x12_code == "I6");
}

TEST_CASE("IK403 8 and 9: invalid date, range and time", "[ig][conformance]") {
  CHECK(findings_at(2, "BHT*0007*13*REQ20261115001*20261345*0930") ==
        Briefs{"ig.segment_has_element_errors@2/ BHT", "ig.element_invalid_date@2/ BHT04 '20261345'"});
  // DTP03 follows DTP02: RD8 needs start <= end, D8 one date.
  CHECK(findings_at(16, "DTP*AAH*RD8*20270531-20261201") ==
        Briefs{"ig.segment_has_element_errors@16/2000E DTP", "ig.element_invalid_date@16/2000E DTP03 '20270531-20261201'"});
  CHECK(findings_at(16, "DTP*AAH*D8*20261201-20270531") ==
        Briefs{"ig.segment_has_element_errors@16/2000E DTP", "ig.element_invalid_date@16/2000E DTP03 '20261201-20270531'"});
  CHECK(findings_at(16, "DTP*AAH*D8*20261201").empty());
  // DMG02 follows DMG01 (D8), HI01-4 follows HI01-3.
  CHECK(findings_at(12, "DMG*D8*19800230*F") ==
        Briefs{"ig.segment_has_element_errors@12/2010C DMG", "ig.element_invalid_date@12/2010C DMG02 '19800230'"});
  CHECK(findings_at(17, "HI*ABK:M0579:D8:20261301") ==
        Briefs{"ig.segment_has_element_errors@17/2000E HI", "ig.element_invalid_date@17/2000E HI01-4 '20261301'"});
  CHECK(findings_at(2, "BHT*0007*13*REQ20261115001*20261115*2561") ==
        Briefs{"ig.segment_has_element_errors@2/ BHT", "ig.element_invalid_time@2/ BHT05 '2561'"});
}

TEST_CASE("IK403 12 and 13: too many repetitions, too many components", "[ig][conformance]") {
  CHECK(findings_at(17, "HI*ABK:M0579^ABF:I10") ==
        Briefs{"ig.segment_has_element_errors@17/2000E HI", "ig.too_many_repetitions@17/2000E HI01 'ABK:M0579^ABF:I10'"});
  CHECK(findings_at(12, "DMG*D8*19800115:1*F") ==
        Briefs{"ig.segment_has_element_errors@12/2010C DMG", "ig.too_many_components@12/2010C DMG02 '19800115:1'"});
  CHECK(findings_at(15, "UM*HS*I*1*22:B::X") ==
        Briefs{"ig.segment_has_element_errors@15/2000E UM", "ig.too_many_components@15/2000E UM04-4 '22:B::X'"});
}

TEST_CASE("IK403 I10: a not-used element present", "[ig][conformance]") {
  CHECK(findings_at(4, "NM1*X3*2*GEORGIA HEALTH PLAN DEMO***MR**PI*GAHIM01") ==
        Briefs{"ig.segment_has_element_errors@4/2010A NM1", "ig.element_not_used@4/2010A NM106 'MR'"});
  CHECK(findings_at(15, "UM*HS*I*1*22:B:1") ==
        Briefs{"ig.segment_has_element_errors@15/2000E UM", "ig.element_not_used@15/2000E UM04-3 '1'"});
}

// ---- HL rules (reference 5.11) ------------------------------------------------------------------

TEST_CASE("HL01 counts 1, 2, 3 ... in order", "[ig][conformance][hl]") {
  CHECK(findings_at(22, "HL*7*4*SS*0") ==
        Briefs{"ig.segment_has_element_errors@22/2000F HL", "ig.hl_sequence@22/2000F HL01 '7'"});
}

TEST_CASE("HL02 points to an earlier HL of an allowed parent level", "[ig][conformance][hl]") {
  CHECK(findings_at(22, "HL*5*3*SS*0") ==
        Briefs{"ig.segment_has_element_errors@22/2000F HL", "ig.hl_parent_invalid@22/2000F HL02 '3'"});
  CHECK(findings_at(22, "HL*5*9*SS*0") ==
        Briefs{"ig.segment_has_element_errors@22/2000F HL", "ig.hl_parent_invalid@22/2000F HL02 '9'"});
  // 2000A's guide does not use HL02 at all: one finding, not two.
  CHECK(findings_at(3, "HL*1*1*20*1") ==
        Briefs{"ig.segment_has_element_errors@3/2000A HL", "ig.element_not_used@3/2000A HL02 '1'"});
}

TEST_CASE("HL04 says whether a child HL follows", "[ig][conformance][hl]") {
  // Reported on the earlier HL once the next one shows the answer.
  CHECK(findings_at(13, "HL*4*3*EV*0") ==
        Briefs{"ig.segment_has_element_errors@13/2000E HL", "ig.hl_child_code@13/2000E HL04 '0'"});
  const auto run = test::validate_text(test::mutate_at(test::infliximab(), 13, "HL*4*3*EV*0"));
  CHECK(first(run, core::DiagCode::ig_hl_child_code).element_ref == "736");
}

// ---- set-level (IK5) ----------------------------------------------------------------------------

TEST_CASE("IK502: unknown guide, unsupported set, ST03 differing from GS08", "[ig][conformance]") {
  SECTION("BHT02 01 (cancellation) has no guide: I6") {
    const auto run = test::validate_text(test::mutate_at(test::infliximab(), 2, "BHT*0007*01*REQ20261115001*20261115*0930"));
    const auto& r = only(run);
    CHECK(test::briefs(r) == Briefs{"ig.guide_unknown@1/ ST"});
    CHECK(r.guide == nullptr);
    CHECK(r.rejected);
    CHECK(core::info(core::DiagCode::ig_guide_unknown).x12_code == "I6");
  }
  SECTION("no BHT at all: the 278 guide cannot be chosen") {
    const auto run = test::validate_text(test::mutate_at(test::infliximab(), 2, ""));
    CHECK(test::briefs(only(run)) == Briefs{"ig.guide_unknown@1/ ST"});
    CHECK(only(run).findings[0].message.find("no BHT02") != std::string::npos);
  }
  SECTION("ST01 270: no guide reads it: 1") {
    CHECK(findings_at(1, "ST*270*0001*005010X217") == Briefs{"ig.transaction_unsupported@1/ ST01"});
  }
  SECTION("ST03 differs from GS08: 19, and the body is still checked by GS08's guide") {
    const auto run = test::validate_text(test::mutate_at(test::infliximab(), 1, "ST*278*0001*005010X216"));
    const auto& r = only(run);
    CHECK(test::briefs(r) == Briefs{"ig.st03_mismatch@1/ ST03"});
    REQUIRE(r.guide != nullptr);
    CHECK(r.guide->id == "278-request");
  }
}

// ---- quirk switches -----------------------------------------------------------------------------

TEST_CASE("quirk switches lower specific findings to warnings", "[ig][conformance][options]") {
  SECTION("space padding") {
    const std::string padded = "NM1*IL*1*TESTPATIENT *ALPHA****MI*SOC000000101";
    CHECK(findings_at(9, padded) ==
          Briefs{"ig.segment_has_element_errors@9/2010C NM1", "ig.element_space_padded@9/2010C NM103 'TESTPATIENT '"});
    ig::ValidationOptions o;
    o.accept_space_padding = true;
    const auto run = test::validate_text(test::mutate_at(test::infliximab(), 9, padded), o);
    const auto& r = only(run);
    CHECK(!r.rejected);
    CHECK(r.warnings == 2);
    CHECK(test::briefs(r, true).empty());
  }
  SECTION("SV105 (tolerate: true): a warning by default, an error when the switch is off") {
    const std::string sv1 = "SV1*HC:J1745*9600*UN*160*22";
    const auto run = test::validate_text(test::mutate_at(test::infliximab(), 26, sv1));
    const auto& r = only(run);
    CHECK(test::briefs(r) == Briefs{"ig.segment_has_element_errors@26/2000F SV1", "ig.element_not_used@26/2000F SV105 '22'"});
    CHECK(!r.rejected);
    CHECK(r.warnings == 2);
    ig::ValidationOptions strict;
    strict.accept_sv105 = false;
    const auto run2 = test::validate_text(test::mutate_at(test::infliximab(), 26, sv1), strict);
    CHECK(only(run2).rejected);
    // Accepted, the value is still checked against its list (place_of_service).
    const auto run3 = test::validate_text(test::mutate_at(test::infliximab(), 26, "SV1*HC:J1745*9600*UN*160*ZZ"));
    CHECK(test::briefs(only(run3)) == Briefs{"ig.segment_has_element_errors@26/2000F SV1", "ig.element_not_used@26/2000F SV105 'ZZ'",
                                             "ig.element_invalid_code@26/2000F SV105 'ZZ'"});
    CHECK(!only(run3).rejected);
  }
  SECTION("trailing separators: a warning, an error for a strict partner") {
    CHECK(findings_at(12, "DMG*D8*19800115*F*") == Briefs{"ig.trailing_separator@12/2010C DMG04"});
    CHECK(findings_at(17, "HI*ABK:M0579:") == Briefs{"ig.trailing_separator@17/2000E HI01-3 'ABK:M0579:'"});
    const auto run = test::validate_text(test::mutate_at(test::infliximab(), 12, "DMG*D8*19800115*F*"));
    CHECK(!only(run).rejected);
    CHECK(only(run).findings[0].severity == core::Severity::warning);
    ig::ValidationOptions strict;
    strict.accept_trailing_separators = false;
    const auto run2 = test::validate_text(test::mutate_at(test::infliximab(), 12, "DMG*D8*19800115*F*"), strict);
    CHECK(only(run2).rejected);
  }
  SECTION("options load from YAML, naming file and line on error") {
    const auto o = ig::parse_validation_options("accept_space_padding: true\nmax_findings: 5\n");
    REQUIRE(o.ok());
    CHECK(o.value().accept_space_padding);
    CHECK(o.value().max_findings == 5);
    CHECK(o.value().accept_sv105);
    const auto bad = ig::parse_validation_options("accept_sv105: true\naccept_padding: true\n", "partner.yaml");
    REQUIRE(!bad.ok());
    CHECK(bad.error().message.find("partner.yaml:2:") != std::string::npos);
    CHECK(!ig::parse_validation_options("accept_sv105: maybe\n").ok());
  }
}

TEST_CASE("findings are capped per transaction, errors still counted", "[ig][conformance][options]") {
  std::string junk;
  for (int i = 0; i < 50; ++i) junk += "~\nZZZ*" + std::to_string(i);
  ig::ValidationOptions o;
  o.max_findings = 10;
  const auto run = test::validate_text(test::mutate_at(test::infliximab(), 18, "MSG*X" + junk), o);
  const auto& r = only(run);
  CHECK(r.findings.size() == 10);
  CHECK(r.findings_dropped == 40);
  CHECK(r.errors == 50);
  CHECK(r.rejected);
}

// ---- ICD-10-CM codes in HI (core/icd10.hpp) -------------------------------------------------------

TEST_CASE("IK403 6: an ICD-10-CM code sent with its decimal point is a warning, read without it", "[ig][conformance][icd10]") {
  // Regression: "T78.2XXA" passed the guide silently and the binder could not read it, so the
  // decision flipped from approve to pend with nothing said.
  CHECK(findings_at(17, "HI*ABK:M0579*ABF:T78.2XXA") ==
        Briefs{"ig.segment_has_element_errors@17/2000E HI", "ig.icd10_decimal_point@17/2000E HI02-2 'T78.2XXA'"});
  const auto run = test::validate_text(test::mutate_at(test::infliximab(), 17, "HI*ABK:M0579*ABF:T78.2XXA"));
  const auto& d = first(run, core::DiagCode::ig_icd10_decimal_point);
  CHECK(d.severity == core::Severity::warning);
  CHECK(d.at.element == 2);
  CHECK(d.at.component == 2);
  CHECK(d.message == "HI02-2 'T78.2XXA' has a decimal point; X12 sends ICD-10-CM codes without it: read as T782XXA");
  CHECK(core::info(d.code).x12_code == "6");
  CHECK_FALSE(only(run).rejected);
  // Without the point: clean; an ICD-9 qualifier (BF) is not read as ICD-10-CM at all.
  CHECK(findings_at(17, "HI*ABK:M0579*ABF:T782XXA").empty());
  CHECK(findings_at(17, "HI*ABK:M0579*BF:995.0").empty());
}

TEST_CASE("IK403 7: a code under an ICD-10-CM qualifier that is not ICD-10-CM shaped is reported", "[ig][conformance][icd10]") {
  // T886 lacks the 7th character chapter T codes have; it used to be prefix-matched as anaphylaxis.
  CHECK(findings_at(17, "HI*ABK:M0579*ABF:T886") ==
        Briefs{"ig.segment_has_element_errors@17/2000E HI", "ig.icd10_invalid@17/2000E HI02-2 'T886'"});
  const auto run = test::validate_text(test::mutate_at(test::infliximab(), 17, "HI*ABK:M0579*ABF:T886"));
  const auto& d = first(run, core::DiagCode::ig_icd10_invalid);
  CHECK(d.severity == core::Severity::warning);
  CHECK(d.message == "HI02-2 'T886' is not a complete ICD-10-CM code: chapter T codes have a 7th character (T886 has 4); not read as a diagnosis");
  CHECK(core::info(d.code).x12_code == "7");
  CHECK(findings_at(17, "HI*ABK:9M579") ==
        Briefs{"ig.segment_has_element_errors@17/2000E HI", "ig.icd10_invalid@17/2000E HI01-2 '9M579'"});
  CHECK(findings_at(17, "HI*ABK:M05.7.9") ==
        Briefs{"ig.segment_has_element_errors@17/2000E HI", "ig.icd10_invalid@17/2000E HI01-2 'M05.7.9'"});
  // Burns by extent (T31) have no 7th character; a complete S code is clean.
  CHECK(findings_at(17, "HI*ABK:M0579*ABF:T3110*ABF:S72001A").empty());
}
