// Every public corpus file is read, and the envelope findings for each are asserted. The expected
// lists follow ../shared/corpus/README.md; where soc278 says more than the README, the comment says why.
#include <catch2/catch.hpp>

#include <map>

#include "soc278/x12/envelope.hpp"
#include "support/test_support.hpp"

using namespace soc278;

namespace {

struct Counts : x12::EnvelopeObserver {
  void on_transaction_end(const x12::GroupInfo&, const x12::TransactionInfo&) override { ++transactions; }
  std::size_t transactions = 0;
};

}  // namespace

TEST_CASE("corpus: envelope findings per file", "[x12][corpus]") {
  // file -> (findings in order, transaction sets delivered)
  const std::map<std::string, std::pair<std::vector<std::string>, std::size_t>> expected = {
      // A bare ST..SE set with no ISA/GS: one clear error, nothing delivered (README: "does not look like X12").
      {"ballerina-edi__message.edi", {{"input.not_x12"}, 0}},
      {"hipaa-attachments__test-x12-278-review-request.edi", {{}, 1}},
      // README lists it only as "Map not found"; the set really has 14 segments while SE01 says 15.
      {"hipaa-attachments__x217-outpatient-request.edi", {{"envelope.se_count_mismatch"}, 1}},
      {"hipaa-attachments__x217-referral-request.edi", {{}, 1}},
      // README: IEA02 differs from ISA13 (a real defect). GS05 102497 is a guide-level finding (ig stage).
      {"imsweb__x12_999_accepted.txt", {{"envelope.iea_control_mismatch"}, 1}},
      {"imsweb__x12_999_rejected.txt", {{}, 1}},
      {"oopfactory__DHS_Wisconsin_Sample.txt", {{}, 1}},
      // ISA12 00401 around a 5010 set: read (repetition slot U is data), see docs/conformance.md.
      {"oopfactory__Example_3_1_1_Request.txt", {{}, 1}},
      {"oopfactory__Example_3_2_1_Request.txt", {{}, 1}},
      {"oopfactory__Example_3_2_2_Response.txt", {{}, 1}},
      {"oopfactory__Example_3_3_1_Request.txt", {{}, 1}},
      // Delimiters > + CR; no terminator after IEA: read, with a warning.
      {"oopfactory__TechnicalAcknowledgment_SampleFromJeffN825.txt", {{"x12.missing_final_terminator"}, 0}},
      {"pyx12__834_ls_le_ls_5010.999.txt", {{}, 1}},
      // README: SE01 is 25 but the set has 26 segments.
      {"stupidedi__admission-request-for-review.edi", {{"envelope.se_count_mismatch"}, 1}},
      {"stupidedi__admission-response-to-request-for-review.edi", {{}, 1}},
      {"stupidedi__emergency-admission-request-for-review.edi", {{}, 1}},
      {"stupidedi__emergency-admission-response-to-request-for-review.edi", {{}, 1}},
      {"stupidedi__referral-request-for-review.edi", {{}, 1}},
      {"stupidedi__referral-response-to-request-for-review.edi", {{}, 1}},
      // README: SE01 is 19 but the set has 20 segments.
      {"stupidedi__request-for-home-health-care.edi", {{"envelope.se_count_mismatch"}, 1}},
      {"stupidedi__request-for-medical-services-reservation.edi", {{}, 1}},
      {"stupidedi__request-for-non-emergency-transportation.edi", {{}, 1}},
      {"stupidedi__response-to-functional-group-containing-3-837s.edi", {{}, 1}},
      {"stupidedi__response-to-medical-services-reservation.edi", {{}, 1}},
      {"stupidedi__response-to-non-emergency-transportation.edi", {{}, 1}},
      // README: "does not look like X12" (unpadded ISA). soc278 reads it by splitting and reports that,
      // and IEA01 = 1 although a TA1-only interchange holds no functional group (X12: IEA01 counts GS).
      {"uhin__TA1.edi", {{"x12.isa_not_fixed_width", "envelope.iea_count_mismatch"}, 0}},
  };
  const auto files = test::corpus_files();
  REQUIRE(files.size() == expected.size());
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    DYNAMIC_SECTION(name) {
      const auto it = expected.find(name);
      REQUIRE(it != expected.end());
      const std::string text = test::read_file(f);
      x12::MemorySource src(text);
      core::DiagnosticList diags;
      Counts counts;
      x12::ChunkReader reader(src);
      x12::EnvelopeReader env(reader, diags, counts);
      env.run();
      std::vector<std::string> got;
      for (const auto& d : diags.items()) got.emplace_back(core::name(d.code));
      CHECK(got == it->second.first);
      CHECK(counts.transactions == it->second.second);
    }
  }
}
