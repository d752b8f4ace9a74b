// citycheck report [OUT_DIR|healthcheck.yaml] [--store S] [--city C] [--year Y] [--lang zh|en] -o report.html
//                  [--xlsx F] [--png-dir D]
// Without OUT_DIR, the report is built from the store alone (its current run of the city and year).
#include "command_registry.hpp"

#include <iostream>
#include <memory>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/engine/report/report_data.hpp>
#include <citycheck/engine/report/report_history.hpp>
#include <citycheck/engine/report/report_store.hpp>
#include <citycheck/engine/report/report_writer.hpp>

namespace citycheck::cli {

namespace {
void add_report_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string source, store, city, output, xlsx, png_dir, lang = "zh";
        int year = 0;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("report", "Write the health-check report: one self-contained HTML file, optionally an XLSX workbook and map images");
    cmd->add_option("SOURCE", opts->source, "A `citycheck run` output folder, or the healthcheck.yaml whose outputs to report");
    cmd->add_option("--store", opts->store, "Results store: earlier years for trend charts and the change from last year");
    cmd->add_option("--year", opts->year, "Year to report (default: the run's year; from a store alone: its latest year)");
    cmd->add_option("--city", opts->city, "City to report from a store alone (needed when the store holds several cities)");
    cmd->add_option("-o,--output", opts->output, "The HTML report to write")->required();
    cmd->add_option("--lang", opts->lang, "Report language: zh (default) or en")->check(CLI::IsMember({"zh", "en"}));
    cmd->add_option("--xlsx", opts->xlsx, "Also write the indicator tables per level as an XLSX workbook");
    cmd->add_option("--png-dir", opts->png_dir, "Also write every map as SVG and PNG (PNG needs Chromium) into this folder");
    cmd->callback([opts, &ctx] {
        ctx.action = [opts, &ctx] {
            namespace rp = engine::report;
            rp::ReportData data;
            if (opts->source.empty()) {  // from the store alone
                if (opts->store.empty())
                    throw UsageError("give the run's output folder (or its healthcheck.yaml), or a results store with --store");
                rp::StoreSelection sel;
                sel.city = opts->city;
                if (opts->year) sel.year = opts->year;
                data = rp::load_report_data_from_store(opts->store, sel);
            } else {
                const auto dir = rp::resolve_report_source(opts->source);
                data = rp::load_report_data(dir);
                if (opts->year && opts->year != data.year)
                    throw UsageError("the results in " + dir.string() + " are for " + std::to_string(data.year) + ", not " + std::to_string(opts->year));
                if (!opts->city.empty() && opts->city != data.city)
                    throw UsageError("the results in " + dir.string() + " are for " + data.city + ", not " + opts->city);
                if (!opts->store.empty()) rp::load_history(data, opts->store);
            }
            rp::ReportRequest req;
            req.html = opts->output;
            if (!opts->xlsx.empty()) req.xlsx = opts->xlsx;
            if (!opts->png_dir.empty()) req.map_dir = opts->png_dir;
            req.options.lang = rp::parse_lang(opts->lang);
            const auto outcome = rp::write_report(data, req, ctx.progress());
            for (const auto& w : outcome.warnings) log::warning(w);
            for (const auto& f : outcome.files) std::cout << f.string() << '\n';
            return 0;
        };
    });
}

const CommandRegistration registration(530, "report", add_report_command);

}  // namespace

}  // namespace citycheck::cli
