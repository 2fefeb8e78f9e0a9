#include "soc278/core/clock.hpp"

#include <chrono>

namespace soc278::core {

DateTime SystemClock::now() const {
  using namespace std::chrono;
  const auto t = system_clock::now();
  const auto days = floor<std::chrono::days>(t);
  const auto secs = duration_cast<seconds>(t - days).count();
  DateTime dt;
  dt.date = Date::from_days(days.time_since_epoch().count());
  dt.time = TimeOfDay{static_cast<std::uint8_t>(secs / 3600), static_cast<std::uint8_t>(secs / 60 % 60),
                      static_cast<std::uint8_t>(secs % 60)};
  return dt;
}

}  // namespace soc278::core
