#pragma once
// The report's maps: one level's zones projected once, coloured per indicator (quantile classes
// of the run's values). Shared by the HTML report and the PNG export.
#include <optional>
#include <string>
#include <vector>

#include <citycheck/engine/report/classify.hpp>
#include <citycheck/engine/report/map_svg.hpp>
#include <citycheck/engine/report/report_html.hpp>

namespace citycheck::engine::report {

// Levels worth a map: more than one zone and at least one geometry.
bool level_has_map(const ReportData& data, std::size_t level);

ProjectedZones project_level(const ReportData& data, std::size_t level);

struct Colouring {
    Classes classes;
    std::vector<std::string> palette;  // one colour per class
    std::vector<int> zone_class;       // per zone; -1: no data
    std::vector<LegendEntry> legend;   // classes, then "no data" when any zone has none
    std::string title;                 // indicator name and unit
};

Colouring colour_indicator(const ReportData& data, std::size_t level, std::size_t indicator, const ReportOptions& options);

// A complete standalone map (legend, scale bar, north arrow) of one indicator at one level.
std::string indicator_map_svg(const ReportData& data, std::size_t level, std::size_t indicator, const ProjectedZones& zones,
                              const ReportOptions& options, const std::string& id = "", const std::string& legend_id = "");

// Whether an indicator is a coverage indicator (primitive coverage): besides its choropleth it
// gets a service-area map when the data has its service areas.
bool is_coverage(const IndicatorInfo& info);

// The level whose zones outline the service-area maps: the finest level with a map.
std::optional<std::size_t> service_area_level(const ReportData& data);

// The service-area map of one coverage indicator: the level's zones as outlines, the covered
// areas filled, the facilities as dots, with legend, scale bar and north arrow (choropleth_svg).
// Service areas are simplified for display like the zones (0.4 px).
std::string service_area_map_svg(const ReportData& data, std::size_t level, const ServiceAreaLayer& areas,
                                 const ProjectedZones& zones, const ReportOptions& options, const std::string& id = "");

}  // namespace citycheck::engine::report
