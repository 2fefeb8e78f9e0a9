// soc278-generate: writes a deterministic synthetic 278 request file of about N megabytes.
//
//   soc278-generate OUT_FILE MEGABYTES [SEED]
//
// Same seed, same bytes. Interchanges of 20 groups x 50 transactions, each transaction a
// site-of-care request shaped like samples/infliximab-hopd.x12 with varied members, drugs, sites,
// diagnoses and attachments, so that every stage (reader, validator, evaluator, writers) works on
// realistic data. Synthetic data only; nothing here is a real person.
#include <fmt/core.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

constexpr const char* drugs[] = {"J1745", "Q5103", "J2350", "J1569", "J2323", "J9312", "J0129", "J1459", "J3490"};
constexpr const char* sites[] = {"22:B", "19:B", "22:B", "11:B", "12:B", "13:A", "24:B", "01:B"};
constexpr const char* diagnoses[] = {"M0579", "K5090", "G35", "D8989", "M069", "L4050"};
constexpr const char* exceptions[] = {"", "", "", "I509", "T8052XA", "F40231", "E8770", "G309*ABF:Z742", "R569"};
constexpr const char* attachments[] = {"", "", "PWK*09*FX***AC*DOC{}~", "PWK*M1*EL***AC*DOC{}~", "PWK*M1*AA***AC*DOC{}~"};
constexpr const char* certifications[] = {"I", "I", "I", "R", "4"};

std::string transaction(SplitMix64& rng, unsigned st, std::uint64_t serial) {
  std::string b;
  const std::string member = fmt::format("SOC{:09}", serial % 1000000000);
  const char* cert = certifications[rng.pick(5)];
  const char* site = sites[rng.pick(8)];
  const char* drug = drugs[rng.pick(9)];
  const char* exception = exceptions[rng.pick(9)];
  b += fmt::format("ST*278*{:04}*005010X217~", st);
  b += fmt::format("BHT*0007*13*REQ{:010}*20261115*0930~", serial);
  b += "HL*1**20*1~NM1*X3*2*GEORGIA HEALTH PLAN DEMO*****PI*GAHIM01~";
  b += "HL*2*1*21*1~NM1*1P*2*DEMO RHEUMATOLOGY GROUP*****XX*1234567893~PER*IC*PA DESK*TE*5555550100~";
  b += fmt::format("HL*3*2*22*1~NM1*IL*1*TESTPATIENT*ALEX*Q***MI*{}~N3*{} TEST ST~N4*ATLANTA*GA*30303~DMG*D8*19{:02}0{}1{}*F~",
                   member, 100 + rng.pick(800), 40 + rng.pick(50), 1 + rng.pick(9), rng.pick(9));
  b += "HL*4*3*EV*1~";
  b += fmt::format("TRN*1*EV{:012}*1123456789~", serial);
  b += fmt::format("UM*HS*{}*1*{}~", cert, site);
  b += "DTP*AAH*RD8*20261201-20270531~";
  b += fmt::format("HI*ABK:{}{}{}~", diagnoses[rng.pick(6)], exception[0] != '\0' ? "*ABF:" : "", exception);
  const char* pwk = attachments[rng.pick(5)];
  if (pwk[0] != '\0') b += fmt::format(fmt::runtime(pwk), serial);
  b += "NM1*FA*2*DEMO GENERAL HOSPITAL OP INFUSION*****XX*1987654328~N3*100 MAIN ST~N4*ATLANTA*GA*30303~";
  int segments = 20 + (pwk[0] != '\0' ? 1 : 0);
  const std::size_t lines = 1 + rng.pick(3);
  for (std::size_t l = 0; l < lines; ++l) {
    const char* code = l == 0 ? drug : (l == 1 ? "96365" : "96366");
    b += fmt::format("HL*{}*4*SS*0~TRN*1*L{:012}{}*1123456789~UM*HS*{}*1*{}~DTP*472*RD8*20261201-20270531~", 5 + l, serial, l,
                     cert, site);
    b += fmt::format("SV1*HC:{}*{}*UN*{}~HSD*VS*4~NM1*SJ*1*RHEUM*ALICE****XX*1555555550~", code, 1200 + rng.pick(9000),
                     1 + rng.pick(200));
    segments += 7;
  }
  segments += 1;  // SE
  b += fmt::format("SE*{}*{:04}~\n", segments, st);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  // --one-group: one interchange holding one functional group of every set (what a clearinghouse
  // sends), written as it goes: the file of the constant-memory measurement up to 2 GB.
  bool one_group = false;
  std::vector<char*> args;
  for (int k = 0; k < argc; ++k) {
    if (std::string_view(argv[k]) == "--one-group") {
      one_group = true;
    } else {
      args.push_back(argv[k]);
    }
  }
  argc = static_cast<int>(args.size());
  argv = args.data();
  if (argc < 3) {
    std::fprintf(stderr, "usage: soc278-generate OUT_FILE MEGABYTES [SEED] [--one-group]\n");
    return 2;
  }
  const std::uint64_t target = std::strtoull(argv[2], nullptr, 10) * 1000 * 1000;
  SplitMix64 rng{argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 278};
  std::FILE* out = std::fopen(argv[1], "wb");
  if (out == nullptr) {
    std::perror(argv[1]);
    return 2;
  }
  std::uint64_t written = 0;
  std::uint64_t serial = 0;
  unsigned interchange = 0;
  if (one_group) {
    std::string text =
        "ISA*00*          *00*          *ZZ*SOCPROVIDER01  *ZZ*SOCHEALTHPLAN  *261115*0930*^*00501*000000001*0*T*:~\n"
        "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*1*X*005010X217~\n";
    unsigned st = 0;
    while (written + text.size() < target) {
      text += transaction(rng, ++st, ++serial);
      if (text.size() >= (1u << 20)) {
        std::fwrite(text.data(), 1, text.size(), out);
        written += text.size();
        text.clear();
      }
    }
    text += fmt::format("GE*{}*1~\nIEA*1*000000001~\n", st);
    std::fwrite(text.data(), 1, text.size(), out);
    written += text.size();
    interchange = 1;
  }
  while (written < target) {
    ++interchange;
    std::string ic = fmt::format(
        "ISA*00*          *00*          *ZZ*SOCPROVIDER01  *ZZ*SOCHEALTHPLAN  *261115*0930*^*00501*{:09}*0*T*:~\n",
        interchange);
    for (unsigned g = 1; g <= 20; ++g) {
      const unsigned gs06 = interchange * 100 + g;
      ic += fmt::format("GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*{}*X*005010X217~\n", gs06);
      for (unsigned st = 1; st <= 50; ++st) ic += transaction(rng, st, ++serial);
      ic += fmt::format("GE*50*{}~\n", gs06);
    }
    ic += fmt::format("IEA*20*{:09}~\n", interchange);
    std::fwrite(ic.data(), 1, ic.size(), out);
    written += ic.size();
  }
  std::fclose(out);
  std::printf("wrote %s: %llu bytes, %u interchanges, %llu transactions\n", argv[1],
              static_cast<unsigned long long>(written), interchange, static_cast<unsigned long long>(serial));
  return 0;
}
