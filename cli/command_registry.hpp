#pragma once
// Subcommands register themselves: each cli/commands/<name>.cpp defines one static
// CommandRegistration, so adding a command touches no shared file. (This is safe here because the
// command files are compiled into the executable itself, not into a static library.)
#include <functional>
#include <string>
#include <vector>

#include "cli_context.hpp"

namespace citycheck::cli {

using AddCommandFn = std::function<void(CLI::App&, CliContext&)>;

struct CommandEntry {
    int order;  // position in --help; the DESIGN.md order
    std::string name;
    AddCommandFn add;
};

std::vector<CommandEntry>& command_registry();

struct CommandRegistration {
    CommandRegistration(int order, std::string name, AddCommandFn add) {
        command_registry().push_back({order, std::move(name), std::move(add)});
    }
};

}  // namespace citycheck::cli
