// Renders library progress on stderr: a redrawn bar on a terminal, plain lines every 10 % otherwise,
// nothing with --quiet. SIGINT turns into a cancel on the next report.
#include "cli_context.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <unistd.h>

namespace citycheck::cli {
namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) { g_interrupted.store(true); }

struct RenderState {
    std::mutex mutex;
    std::string stage;
    int last = -1;
    bool tty = false;
};
}  // namespace

Progress CliContext::progress() const {
    std::signal(SIGINT, on_sigint);
    if (globals.quiet) return Progress([](double, std::string_view) { return !g_interrupted.load(); });
    auto state = std::make_shared<RenderState>();
    state->tty = ::isatty(STDERR_FILENO) == 1;
    return Progress([state](double fraction, std::string_view stage) {
        std::lock_guard lock(state->mutex);
        const int percent = static_cast<int>(fraction * 100.0);
        const bool new_stage = stage != state->stage;
        if (state->tty) {
            if (percent != state->last || new_stage) {
                const int filled = percent / 5;
                std::fprintf(stderr, "\r%-28.28s [%-20s] %3d%%", std::string(stage).c_str(),
                             std::string(static_cast<std::size_t>(filled), '#').c_str(), percent);
                if (percent >= 100) std::fputc('\n', stderr);
                std::fflush(stderr);
            }
        } else if (new_stage || percent / 10 != state->last / 10) {
            std::fprintf(stderr, "%s: %d%%\n", std::string(stage).c_str(), percent);
        }
        state->last = percent;
        state->stage = std::string(stage);
        return !g_interrupted.load();
    });
}

}  // namespace citycheck::cli
