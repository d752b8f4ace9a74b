#pragma once
// The indicator tables as an XLSX workbook (GDAL's XLSX driver): a sheet describing the indicators,
// then one sheet per level with one row per zone (value, status, score, grade per indicator, and
// the overall score). Values are the run's, unrounded. Written atomically.
#include <filesystem>

#include <citycheck/engine/report/report_html.hpp>

namespace citycheck::engine::report {

void write_report_xlsx(const ReportData& data, const ReportOptions& options, const std::filesystem::path& path);

}  // namespace citycheck::engine::report
