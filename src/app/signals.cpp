#include "app/signals.hpp"

#include <signal.h>
#include <unistd.h>

namespace soc278::app {
namespace {

std::atomic<bool> stop_flag{false};
volatile sig_atomic_t received = 0;

extern "C" void on_stop_signal(int sig) {
  if (received != 0) _exit(128 + sig);  // a second signal: stop now
  received = sig;
  stop_flag.store(true, std::memory_order_relaxed);
}

}  // namespace

const std::atomic<bool>& install_stop_handlers() {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocked read returns (EINTR) so the flag is seen
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    return true;
  }();
  (void)installed;
  return stop_flag;
}

int stop_signal() noexcept { return static_cast<int>(received); }

}  // namespace soc278::app
