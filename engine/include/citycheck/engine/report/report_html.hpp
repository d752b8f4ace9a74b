#pragma once
// The health-check report as one self-contained HTML file: inline CSS, inline SVG maps and charts,
// a small inline script (map recolouring, paged zone tables); nothing is fetched from a network.
// Sections: overview, indicator table, maps, problem list, zone tables, trends, method and
// provenance appendices (docs/report.md).
#include <filesystem>
#include <string>

#include <citycheck/engine/report/report_data.hpp>

namespace citycheck::engine::report {

enum class Lang { zh, en };
Lang parse_lang(const std::string& text);  // "zh" | "en"; UsageError otherwise

struct ReportOptions {
    Lang lang = Lang::zh;
    std::size_t page_size = 50;  // zone table rows per page
    int map_classes = 5;         // quantile classes per map
    std::string generated_utc;   // shown in the header; empty: now
};

// Chooses zh or en text.
inline const char* tx(Lang lang, const char* zh, const char* en) { return lang == Lang::zh ? zh : en; }
std::string dimension_label(const std::string& dimension, Lang lang);
std::string status_label(Status s, Lang lang);
std::string level_label(const ReportLevel& level, Lang lang);
std::string indicator_name(const IndicatorInfo& info, Lang lang);

std::string render_report_html(const ReportData& data, const ReportOptions& options);

// Renders and writes atomically (temporary name, renamed when complete). Throws OutputError.
void write_report_html(const ReportData& data, const ReportOptions& options, const std::filesystem::path& path);

// The fixed CSS and script of the page (report_assets.cpp).
const std::string& report_css();
const std::string& report_script();

}  // namespace citycheck::engine::report
