#pragma once
// The choropleth map as SVG: projected zone paths filled by class, a legend, a scale bar in metres
// and a north arrow (the working CRS is projected with north up). The same writer makes the maps
// embedded in the HTML report (recoloured there by a small script for each indicator) and the
// standalone files rendered to PNG.
#include <string>
#include <vector>

#include <citycheck/engine/report/map_geometry.hpp>

namespace citycheck::engine::report {

struct LegendEntry {
    std::string colour;
    std::string label;
    bool point = false;  // drawn as a dot (point symbols) instead of a box
};

// Drawn over the zones: a filled path (e.g. service areas), in the zones' frame.
struct MapOverlay {
    std::string path;  // SVG path data, px
    std::string fill;
    double opacity = 1;
    std::string css_class;
};

struct MapSpec {
    std::string id;                     // SVG element id (empty: none)
    std::string title;                  // drawn above the legend
    std::vector<std::string> fills;     // per zone (#rrggbb), aligned with the projected paths
    std::vector<std::string> tooltips;  // per zone (<title>), may be empty
    std::vector<LegendEntry> legend;
    std::string legend_id;              // id of the legend group (for the report's script)
    double metres_per_unit = 1.0;       // of the map CRS, for the scale bar
    std::string scale_unit_m = "m", scale_unit_km = "km";
    std::string north = "N";
    std::string zone_stroke = "#555";
    std::vector<MapOverlay> overlays;             // over the zones, in order
    std::vector<std::pair<double, double>> points;  // px, dots over everything (e.g. facilities)
    std::string point_colour = "#d7301f";
};

std::string choropleth_svg(const ProjectedZones& zones, const MapSpec& spec);

// The legend alone as SVG <g> content (used by the report to swap legends per indicator).
std::string legend_svg_body(const std::vector<LegendEntry>& legend, const std::string& title);

// A "nice" scale bar length (1, 2 or 5 × 10^k metres) at most max_m.
double nice_scale_length(double max_m);

}  // namespace citycheck::engine::report
