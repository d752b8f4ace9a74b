// The report's files, in the order a user waits for them: HTML first, then workbook, then maps.
#include <citycheck/engine/report/report_writer.hpp>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/config.hpp>
#include <citycheck/engine/report/report_png.hpp>
#include <citycheck/engine/report/report_xlsx.hpp>

namespace citycheck::engine::report {

namespace fs = std::filesystem;

ReportOutcome write_report(const ReportData& data, const ReportRequest& request, const Progress& progress) {
    ReportOutcome out;
    write_report_html(data, request.options, request.html);
    out.files.push_back(request.html);
    progress.report(0.3, "report");
    if (request.xlsx) {
        write_report_xlsx(data, request.options, *request.xlsx);
        out.files.push_back(*request.xlsx);
    }
    progress.report(0.4, "report");
    if (request.map_dir) {
        auto maps = export_maps(data, request.options, *request.map_dir, true, progress.scaled(0.4, 1.0));
        out.files.insert(out.files.end(), maps.svg_files.begin(), maps.svg_files.end());
        out.files.insert(out.files.end(), maps.png_files.begin(), maps.png_files.end());
        out.warnings.insert(out.warnings.end(), maps.warnings.begin(), maps.warnings.end());
    }
    progress.report(1.0, "report");
    return out;
}

fs::path resolve_report_source(const fs::path& source) {
    std::error_code ec;
    if (fs::is_directory(source, ec)) {
        if (!fs::exists(source / "summary.json"))
            throw InputError("not a `citycheck run` output folder (no summary.json); run the health check first or give its healthcheck.yaml",
                             ErrorContext{source.string()});
        return source;
    }
    if (!fs::exists(source, ec)) throw InputError("no such file or folder", ErrorContext{source.string()});
    const auto parsed = parse_healthcheck(source);
    parsed.issues.throw_if_errors(source.string());
    const fs::path dir = parsed.config.outputs.dir;
    if (!fs::exists(dir / "summary.json"))
        throw InputError("the health check has no results yet (no " + (dir / "summary.json").string() + "); run `citycheck run " +
                             source.string() + "` first",
                         ErrorContext{source.string()});
    return dir;
}

}  // namespace citycheck::engine::report
