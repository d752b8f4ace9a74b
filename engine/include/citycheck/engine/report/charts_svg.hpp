#pragma once
// Small SVG charts for the report: a radar of dimension scores (0–100) and a line chart of one
// series over the years.
#include <optional>
#include <string>
#include <vector>

namespace citycheck::engine::report {

struct RadarAxis {
    std::string label;
    std::optional<double> score;  // 0–100; absent: drawn at 0 with the label greyed
};

std::string radar_svg(const std::string& title, const std::vector<RadarAxis>& axes, double size = 320);

struct SeriesPoint {
    double x = 0;  // year
    double y = 0;
};

// Line chart with a y axis from the data range (including 0 when close), x ticks at each year.
std::string line_chart_svg(const std::string& title, const std::string& unit, const std::vector<SeriesPoint>& points,
                           double width = 360, double height = 200);

}  // namespace citycheck::engine::report
