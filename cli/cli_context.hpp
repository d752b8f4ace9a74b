#pragma once
// What every subcommand shares: the global options and the action chosen by the parser.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include <citycheck/core/progress.hpp>

namespace citycheck::cli {

struct GlobalOptions {
    int threads = 0;  // 0: all cores
    bool quiet = false;
    std::string log_level = "info";
};

struct CliContext {
    GlobalOptions globals;
    std::function<int()> action;  // set by the chosen subcommand's callback; run after parsing
    Progress progress() const;    // bar on a terminal, lines otherwise, nothing with --quiet
};

}  // namespace citycheck::cli
