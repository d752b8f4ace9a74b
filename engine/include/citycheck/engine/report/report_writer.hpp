#pragma once
// Everything `citycheck report` (and `citycheck run --report`) writes: the HTML report, optionally
// the XLSX workbook and the map exports (SVG + PNG).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <citycheck/core/progress.hpp>
#include <citycheck/engine/report/report_html.hpp>

namespace citycheck::engine::report {

struct ReportRequest {
    std::filesystem::path html;
    std::optional<std::filesystem::path> xlsx;
    std::optional<std::filesystem::path> map_dir;  // SVG and PNG maps
    ReportOptions options;
};

struct ReportOutcome {
    std::vector<std::filesystem::path> files;
    std::vector<std::string> warnings;
};

ReportOutcome write_report(const ReportData& data, const ReportRequest& request, const Progress& progress = {});

// The run output folder for `citycheck report SOURCE`: SOURCE itself when it is a folder, or the
// outputs.dir of a healthcheck.yaml. Throws InputError/UsageError naming what is missing.
std::filesystem::path resolve_report_source(const std::filesystem::path& source);

}  // namespace citycheck::engine::report
