// src/app/engine_names.hpp — private: the engine's names the command line uses unqualified.
#pragma once

#include "soc278/engine/privacy.hpp"
#include "soc278/engine/processor.hpp"

namespace soc278::app {

using engine::carried_by;
using engine::FileReport;
using engine::finding_message;
using engine::mask_identifier;
using engine::masked_elements;
using engine::not_request_summary;
using engine::personal_element;
using engine::PhiValues;
using engine::redact_segment;

}  // namespace soc278::app
