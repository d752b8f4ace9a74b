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

// One function per subcommand, each in cli/commands/<name>.cpp.
void add_info_command(CLI::App& app, CliContext& ctx);
void add_demo_command(CLI::App& app, CliContext& ctx);

}  // namespace citycheck::cli
