// citycheck validate healthcheck.yaml [--no-data]
#include "command_registry.hpp"

#include <iostream>
#include <memory>

#include <citycheck/engine/validate.hpp>

namespace citycheck::cli {

namespace {
void add_validate_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string file;
        bool no_data = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("validate", "Check a healthcheck.yaml: every config error with its key path, then the data (metadata only)");
    cmd->add_option("FILE", opts->file, "The health-check file (healthcheck.yaml)")->required();
    cmd->add_flag("--no-data", opts->no_data, "Check the file only; do not open the datasets");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts] {
            const auto report = engine::validate_healthcheck(opts->file, !opts->no_data);
            if (report.ok())
                std::cout << report.text();
            else
                std::cerr << report.text();
            return report.exit_code();
        };
    });
}

const CommandRegistration registration(500, "validate", add_validate_command);

}  // namespace

}  // namespace citycheck::cli
