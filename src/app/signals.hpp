// src/app/signals.hpp — private: Ctrl-C and SIGTERM during a run.
//
// The handlers only set a flag (async-signal-safe); the engine checks it between reads
// (ProcessorConfig::stop) and returns, the command removes the interrupted file's temporary
// outputs, says what was and was not finished, and exits 128 + the signal: 130 for SIGINT, 143 for
// SIGTERM. A second signal while stopping ends the process at once with the same code (the
// temporary files left then carry this process's pid, and the next run removes them:
// engine::remove_stale_temporaries).
#pragma once

#include <atomic>

namespace soc278::app {

// Installs the handlers (once per process) and returns the flag they set.
const std::atomic<bool>& install_stop_handlers();
// The signal that set the flag: 0 when none did.
[[nodiscard]] int stop_signal() noexcept;

}  // namespace soc278::app
