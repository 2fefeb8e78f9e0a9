// Small X12 texts the x12 tests mutate. Synthetic data only.
#pragma once

#include <string>

namespace soc278::test {

inline std::string isa(const std::string& control = "000000101", char e = '*', char rep = '^', char comp = ':', char term = '~') {
  // Built by appending (not by writing into fixed offsets, which g++ 12 -O2 misreads as an overflow).
  std::string s = "ISA";
  for (const char* field : {"00", "          ", "00", "          ", "ZZ", "SOCPROVIDER01  ", "ZZ", "SOCHEALTHPLAN  ", "261115", "0930"}) {
    s += e;
    s += field;
  }
  s += e;
  s += rep;
  for (const std::string& field : {std::string("00501"), control, std::string("0"), std::string("T")}) {
    s += e;
    s += field;
  }
  s += e;
  s += comp;
  s += term;
  return s;
}

// One 278 transaction set of 5 segments (ST..SE), SE01 = 5.
inline std::string transaction(const std::string& control = "0001") {
  return "ST*278*" + control + "*005010X217~BHT*0007*13*REQ1*20261115*0930~HL*1**20*1~NM1*X3*2*PLAN*****PI*99999~SE*5*" +
         control + "~";
}

inline std::string group(const std::string& gs06 = "101", const std::string& body = transaction(), int sets = 1) {
  return "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*" + gs06 + "*X*005010X217~" + body + "GE*" +
         std::to_string(sets) + "*" + gs06 + "~";
}

inline std::string interchange(const std::string& control = "000000101", const std::string& body = group(), int groups = 1) {
  return isa(control) + body + "IEA*" + std::to_string(groups) + "*" + control + "~";
}

}  // namespace soc278::test
