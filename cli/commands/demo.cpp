// citycheck demo DIR [--seed N] [--size KM]
#include "command_registry.hpp"

#include <iostream>
#include <memory>

#include <citycheck/demo/demo_city.hpp>

namespace citycheck::cli {

namespace {
void add_demo_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string dir;
        demo::DemoOptions demo;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("demo", "Write the synthetic demo city (EPSG:4547) with its demo-city.json manifest into DIR");
    cmd->add_option("DIR", opts->dir, "Output folder (created if needed)")->required();
    cmd->add_option("--seed", opts->demo.seed, "Random seed; the same seed gives the same city")->capture_default_str();
    cmd->add_option("--size", opts->demo.size_km, "Side of the square city in km")->capture_default_str()->check(CLI::Range(2.0, 500.0));
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] {
            const auto out = demo::write_demo_city(opts->dir, opts->demo, ctx.progress());
            for (const auto& f : out.files) std::cout << f.string() << '\n';
            return 0;
        };
    });
}

const CommandRegistration registration(900, "demo", add_demo_command);

}  // namespace

}  // namespace citycheck::cli
