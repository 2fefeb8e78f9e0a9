// soc278/x12/delimiters.hpp
//
// Provides Delimiters: the four separator characters of one interchange. They are never assumed:
// each ISA declares its own (byte 3 = element separator, ISA11 = repetition separator from
// version 00402 on, ISA16 = component separator, the byte after ISA16 = segment terminator).
#pragma once

namespace soc278::x12 {

struct Delimiters {
  char element = '*';
  char component = ':';
  char repetition = '^';  // '\0' when the interchange has none (ISA12 before 00402: ISA11 is data, e.g. 'U')
  char segment = '~';

  friend bool operator==(const Delimiters&, const Delimiters&) = default;
};

}  // namespace soc278::x12
