#include "soc278/model/authorization_request.hpp"

namespace soc278::model {

std::string AuthorizationRequest::event_trace() const {
  for (const Trace& t : event.traces)
    if (t.type == "1") return t.number;
  return event.traces.empty() ? std::string() : event.traces.front().number;
}

}  // namespace soc278::model
