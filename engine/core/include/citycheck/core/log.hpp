#pragma once
// Minimal leveled logging to stderr (stdout carries results only). Warnings are also collected so
// that a run can report them in its provenance.
#include <string>
#include <string_view>
#include <vector>

namespace citycheck::log {

enum class Level { debug = 0, info = 1, warning = 2, error = 3, quiet = 4 };

void set_level(Level level);
Level level();
Level parse_level(std::string_view text);  // throws UsageError on an unknown name

void debug(std::string_view message);
void info(std::string_view message);
void warning(std::string_view message);
void error(std::string_view message);

// Every warning emitted since the last take_warnings(), in order (thread-safe).
std::vector<std::string> take_warnings();

}  // namespace citycheck::log
