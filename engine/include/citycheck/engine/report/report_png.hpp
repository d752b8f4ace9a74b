#pragma once
// Map exports: every indicator map of every level with more than one zone, as SVG (always) and as
// PNG rendered by headless Chromium when it is installed. Chromium is started once per batch of
// maps stacked on one page; the screenshot is cut into one PNG per map with GDAL. Without Chromium
// the SVGs are still written and a warning says why there are no PNGs (docs/report.md).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <citycheck/core/progress.hpp>
#include <citycheck/engine/report/report_html.hpp>

namespace citycheck::engine::report {

// $CITYCHECK_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH.
std::optional<std::filesystem::path> find_chromium();

struct MapExport {
    std::vector<std::filesystem::path> svg_files, png_files;
    std::vector<std::string> warnings;
};

// Writes <level_en>_<indicator id>.svg (and .png) into dir (created if missing).
MapExport export_maps(const ReportData& data, const ReportOptions& options, const std::filesystem::path& dir,
                      bool png = true, const Progress& progress = {});

}  // namespace citycheck::engine::report
