#include "command_registry.hpp"

namespace citycheck::cli {

std::vector<CommandEntry>& command_registry() {
    static std::vector<CommandEntry> registry;
    return registry;
}

}  // namespace citycheck::cli
