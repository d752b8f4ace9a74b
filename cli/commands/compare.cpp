// citycheck compare --store S [--city C] --years 2023 2024 2025 [-o out.csv|out.json] [--worsen-share 0.1]
#include "command_registry.hpp"

#include <iostream>
#include <memory>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/config.hpp>
#include <citycheck/engine/store/compare.hpp>

namespace citycheck::cli {

namespace {
void add_compare_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string store, city, out, level;
        std::vector<int> years;
        double worsen_share = 0.10;
        double area_tolerance = 0.01;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("compare", "Year-over-year change, trends and early warnings from the base database (store)");
    cmd->add_option("--store", opts->store, "The store: a GeoPackage file or PG:\"host=... dbname=...\"")->required();
    cmd->add_option("--city", opts->city, "City name as in healthcheck.yaml (default: the store's only city)");
    cmd->add_option("--years", opts->years, "Years to compare, at least two (default: every year with a run)")->expected(1, -1);
    cmd->add_option("-o,--output", opts->out, "Write the changes to .csv (warnings into <name>_warnings.csv) or everything to .json");
    cmd->add_option("--worsen-share", opts->worsen_share, "Warn when a value worsens by more than this share of the earlier value")
        ->capture_default_str();
    cmd->add_option("--area-tolerance", opts->area_tolerance,
                    "Relative area change above which a zone's boundary counts as changed")->capture_default_str();
    cmd->add_option("--level", opts->level, "Only this level: 市/区/街道/社区 or city/district/subdistrict/community");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts] {
            engine::store::CompareOptions o;
            o.city = opts->city;
            o.years = opts->years;
            o.worsen_share = opts->worsen_share;
            o.area_tolerance = opts->area_tolerance;
            if (!opts->level.empty()) {
                const auto l = engine::parse_level(opts->level);
                if (!l) throw UsageError("unknown level '" + opts->level + "' (市 区 街道 社区 or city district subdistrict community)");
                o.level = engine::level_en(*l);
            }
            const auto reader = engine::store::StoreReader::open(opts->store);
            const auto result = engine::store::compare_years(reader, o);
            std::size_t improving = 0, worsening = 0, not_comparable = 0;
            for (const auto& r : result.rows) {
                improving += r.trend == "improving";
                worsening += r.trend == "worsening";
                not_comparable += r.comparability == "not_comparable";
            }
            std::string years;
            for (int y : result.years) years += (years.empty() ? "" : " ") + std::to_string(y);
            std::cout << result.city << " " << years << ": " << result.rows.size() << " indicator × zone rows, " << improving
                      << " improving (改善), " << worsening << " worsening (恶化), " << not_comparable << " not comparable\n";
            std::cout << result.warnings.size() << " warning(s)\n";
            for (const auto& w : result.warnings) std::cout << "warning [" << w.kind << "] " << w.message << "\n";
            if (!opts->out.empty())
                for (const auto& f : engine::store::write_compare(result, opts->out)) std::cout << f.string() << "\n";
            return 0;
        };
    });
}

const CommandRegistration registration(530, "compare", add_compare_command);

}  // namespace

}  // namespace citycheck::cli
