// citycheck: parse the command line, set up the process (GDAL, threads, logging), run one
// subcommand and map its outcome to the documented exit codes.
#include "command_registry.hpp"

#include <algorithm>
#include <iostream>
#include <tuple>
#include <optional>

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/engine/versions.hpp>
#include <citycheck/spatial/gdal.hpp>

using namespace citycheck;

int main(int argc, char** argv) {
    CLI::App app{"citycheck: spatial indicators of the city health check (城市体检), computed and scored"};
    app.require_subcommand(1);
    app.fallthrough();
    cli::CliContext ctx;
    app.set_version_flag("--version", [] { return engine::version_text(); }, "Print citycheck's and its libraries' versions");
    app.add_option("--threads", ctx.globals.threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
    app.add_flag("-q,--quiet", ctx.globals.quiet, "No progress and no informational messages");
    app.add_option("--log-level", ctx.globals.log_level, "debug, info, warning, error or quiet");

    auto commands = cli::command_registry();
    std::sort(commands.begin(), commands.end(),
              [](const auto& a, const auto& b) { return std::tie(a.order, a.name) < std::tie(b.order, b.name); });
    for (const auto& c : commands) c.add(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : exit_code(ErrorCode::usage);
    } catch (const Error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return exit_code(e.code());
    }

    try {
        log::set_level(ctx.globals.quiet ? log::Level::warning : log::parse_level(ctx.globals.log_level));
        spatial::GdalEnvironment gdal;
        const int threads = ctx.globals.threads > 0 ? ctx.globals.threads : tbb::info::default_concurrency();
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
        return ctx.action ? ctx.action() : 0;
    } catch (const Cancelled&) {
        std::cerr << "\ncancelled\n";
        return exit_code(ErrorCode::cancelled);
    } catch (const Error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return exit_code(e.code());
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << "\nplease report this with the command you ran\n";
        return exit_code(ErrorCode::internal);
    }
}
