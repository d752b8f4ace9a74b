#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>

#include <atomic>
#include <iostream>
#include <mutex>

namespace citycheck::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;
std::vector<std::string> g_warnings;

void emit(Level l, std::string_view prefix, std::string_view message) {
    std::lock_guard lock(g_mutex);
    if (l == Level::warning) g_warnings.emplace_back(message);
    if (l < g_level.load()) return;
    std::cerr << prefix << message << '\n';
}
}  // namespace

void set_level(Level l) { g_level.store(l); }
Level level() { return g_level.load(); }

Level parse_level(std::string_view text) {
    if (text == "debug") return Level::debug;
    if (text == "info") return Level::info;
    if (text == "warning") return Level::warning;
    if (text == "error") return Level::error;
    if (text == "quiet") return Level::quiet;
    throw UsageError("unknown log level '" + std::string(text) + "' (use debug, info, warning, error or quiet)");
}

void debug(std::string_view m) { emit(Level::debug, "debug: ", m); }
void info(std::string_view m) { emit(Level::info, "", m); }
void warning(std::string_view m) { emit(Level::warning, "warning: ", m); }
void error(std::string_view m) { emit(Level::error, "error: ", m); }

std::vector<std::string> take_warnings() {
    std::lock_guard lock(g_mutex);
    std::vector<std::string> out;
    out.swap(g_warnings);
    return out;
}

}  // namespace citycheck::log
