// citycheck import-values CSV --store S --city C --year Y [--level L] [--encoding auto|utf-8|gbk]
#include "command_registry.hpp"

#include <iostream>
#include <memory>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/engine/config.hpp>
#include <citycheck/engine/store/import_values.hpp>

namespace citycheck::cli {

namespace {
void add_import_values_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string csv, store, city, level, encoding = "auto";
        int year = 0;
        bool check = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("import-values",
                                   "Import departments' non-spatial indicator values (CSV, UTF-8 or GBK) into the base database");
    cmd->add_option("CSV", opts->csv, "indicator_id,zone_id,value[,unit][,level][,numerator,denominator][,note] (or 指标编号,区划代码,数值,单位,层级)")
        ->required();
    cmd->add_option("--store", opts->store, "The store: a GeoPackage file or PG:\"host=... dbname=...\"")->required();
    cmd->add_option("--city", opts->city, "City name as in healthcheck.yaml")->required();
    cmd->add_option("--year", opts->year, "Year of the check the values belong to")->required();
    cmd->add_option("--level", opts->level, "Level of every row when the CSV has no level column (default: found from the zone code)");
    cmd->add_option("--encoding", opts->encoding, "auto, utf-8 or gbk")->capture_default_str();
    cmd->add_flag("--check", opts->check, "Validate only; import nothing");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts] {
            engine::store::ImportOptions o;
            o.city = opts->city;
            o.year = opts->year;
            o.encoding = opts->encoding;
            if (!opts->level.empty()) {
                const auto l = engine::parse_level(opts->level);
                if (!l) throw UsageError("unknown level '" + opts->level + "' (市 区 街道 社区 or city district subdistrict community)");
                o.level = engine::level_en(*l);
            }
            if (opts->check) {
                const auto values = engine::store::read_import_csv(opts->csv, opts->store, o);
                std::cout << values.size() << " value(s) valid; nothing imported (--check)\n";
                return 0;
            }
            const auto r = engine::store::import_values(opts->csv, opts->store, o);
            std::cout << r.values.size() << " value(s) imported into run " << r.run_id << " (supersedes " << r.superseded << ")\n";
            return 0;
        };
    });
}

const CommandRegistration registration(535, "import-values", add_import_values_command);

}  // namespace

}  // namespace citycheck::cli
