// tests/unit/respond/respond_builders.hpp — the received interchange and group the respond tests
// answer (a provider to a health plan, usage T), shared so each test builds only what it varies.
#pragma once

#include <optional>
#include <string>

#include "soc278/x12/delimiters.hpp"
#include "soc278/x12/envelope.hpp"

namespace soc278::test {

// ISA ZZ:SOCPROVIDER01 -> ZZ:SOCHEALTHPLAN, 00501, ISA13 000004711, usage T; delimiters as given,
// else the InterchangeInfo default.
inline x12::InterchangeInfo received_interchange(std::optional<x12::Delimiters> delimiters = std::nullopt) {
  x12::InterchangeInfo i;
  i.isa.sender_qualifier = "ZZ";
  i.isa.sender_id = "SOCPROVIDER01  ";
  i.isa.receiver_qualifier = "ZZ";
  i.isa.receiver_id = "SOCHEALTHPLAN  ";
  i.isa.version = "00501";
  i.isa.control_number = "000004711";
  i.isa.usage = "T";
  if (delimiters) i.isa.delimiters = *delimiters;
  return i;
}

// GS HI SOCPROVIDER01 -> SOCHEALTHPLAN, 005010X217, GS06 `control`.
inline x12::GroupInfo received_group(const std::string& control = "4711") {
  x12::GroupInfo g;
  g.functional_id = "HI";
  g.sender = "SOCPROVIDER01";
  g.receiver = "SOCHEALTHPLAN";
  g.control_number = control;
  g.version = "005010X217";
  return g;
}

}  // namespace soc278::test
