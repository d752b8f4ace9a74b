// citycheck run healthcheck.yaml [--store PATH|PG:...] [--keep-going] [--out DIR] [--csv-bom]
//                                 [--report [--report-lang zh|en]]
#include "command_registry.hpp"

#include <iostream>
#include <fstream>
#include <iterator>
#include <memory>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/engine/report/report_data.hpp>
#include <citycheck/engine/report/report_history.hpp>
#include <citycheck/engine/report/report_writer.hpp>
#include <citycheck/engine/runner.hpp>
#include <citycheck/engine/store/store_writer.hpp>
#include <citycheck/engine/validate.hpp>

namespace citycheck::cli {

namespace {
void add_run_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string file;
        bool keep_going = false;
        std::string out;
        bool csv_bom = false;
        std::string store;
        bool report = false;
        std::string report_lang = "zh";
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("run", "Compute, roll up and score every indicator of a healthcheck.yaml for every zone at every level");
    cmd->add_option("FILE", opts->file, "The health-check file (healthcheck.yaml)")->required();
    cmd->add_flag("--keep-going", opts->keep_going, "Mark failing indicators failed and finish (exit 5) instead of stopping");
    cmd->add_option("--out", opts->out, "Output folder (default: outputs.dir of the file, else out/ beside it)");
    cmd->add_flag("--csv-bom", opts->csv_bom, "Start CSV files with a UTF-8 BOM (for spreadsheet programs)");
    cmd->add_flag("--report", opts->report, "Also write report.html and report.xlsx into the output folder (see `citycheck report`)");
    cmd->add_option("--report-lang", opts->report_lang, "Language of --report: zh (default) or en")->check(CLI::IsMember({"zh", "en"}));
    cmd->add_option("--store", opts->store,
                    "Also keep the run in the base database: a GeoPackage file (created if missing) or PG:\"host=... dbname=...\"");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] {
            const auto parsed = engine::parse_healthcheck(opts->file);
            parsed.issues.throw_if_errors(opts->file);
            for (const auto& w : parsed.issues.warnings()) log::warning(w.to_string());
            engine::RunOptions ro;
            ro.keep_going = opts->keep_going;
            if (!opts->out.empty()) ro.out_dir = opts->out;
            if (opts->csv_bom) ro.csv_bom = true;
            ro.progress = ctx.progress();
            const std::string started = engine::store::utc_now_iso();
            const auto result = engine::run_healthcheck(parsed.config, ro);
            for (const auto& w : result.warnings) log::warning(w);
            for (const auto& f : result.files) std::cout << f.string() << '\n';
            if (!opts->store.empty()) {  // after the outputs, in one transaction
                engine::store::StoreWriteOptions so{started, "run", {}};
                if (std::ifstream in(result.out_dir / "provenance.json", std::ios::binary); in)
                    so.provenance.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
                const auto id = engine::store::write_run(opts->store, parsed.config, result, so);
                log::info("stored run " + id + " (" + parsed.config.city + " " + std::to_string(parsed.config.year) + ")");
            }
            if (opts->report) {
                namespace rp = engine::report;
                nlohmann::json provenance = nlohmann::json::object();
                if (std::ifstream in(result.out_dir / "provenance.json"); in) provenance = nlohmann::json::parse(in, nullptr, false);
                auto data = rp::report_data_from_run(parsed.config, result, provenance);
                if (!opts->store.empty()) rp::load_history(data, opts->store);  // earlier years: trends
                rp::ReportRequest req;
                req.html = result.out_dir / "report.html";
                req.xlsx = result.out_dir / "report.xlsx";
                req.options.lang = rp::parse_lang(opts->report_lang);
                for (const auto& f : rp::write_report(data, req).files) std::cout << f.string() << '\n';
            }
            if (result.failed > 0) {
                std::cerr << result.failed << " indicator(s) failed; see provenance.json and the warnings above\n";
                return exit_code(ErrorCode::partial);
            }
            return 0;
        };
    });
}

const CommandRegistration registration(510, "run", add_run_command);

}  // namespace

}  // namespace citycheck::cli
