// citycheck list [--json|--markdown] [--split DIR]
#include "command_registry.hpp"

#include <iostream>
#include <memory>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/catalog_docs.hpp>

namespace citycheck::cli {

namespace {
void add_list_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        bool json = false;
        bool markdown = false;
        std::string split;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("list", "Print the built-in indicator catalogue");
    auto* json = cmd->add_flag("--json", opts->json, "JSON: every indicator and the primitives with their parameters");
    auto* md = cmd->add_flag("--markdown", opts->markdown, "Markdown table");
    cmd->add_option("--split", opts->split, "With --markdown: write DIR/<id>.md per indicator and DIR/README.md")->needs(md);
    json->excludes(md);
    cmd->callback([opts, &ctx] {
        ctx.action = [opts] {
            const auto& catalog = engine::Catalog::builtin();
            const auto& registry = engine::PrimitiveRegistry::builtin();
            if (opts->json) {
                std::cout << engine::catalog_json(catalog, registry).dump(2) << '\n';
            } else if (!opts->split.empty()) {
                for (const auto& f : engine::write_catalog_docs(catalog, registry, opts->split)) std::cout << f.string() << '\n';
            } else if (opts->markdown) {
                std::cout << engine::catalog_markdown(catalog, registry);
            } else {
                std::cout << engine::catalog_text(catalog, registry);
            }
            return 0;
        };
    });
}

const CommandRegistration registration(520, "list", add_list_command);

}  // namespace

}  // namespace citycheck::cli
