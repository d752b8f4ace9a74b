// Colouring the report's maps from the run's values.
#include <citycheck/engine/report/report_maps.hpp>

#include <citycheck/engine/report/html_text.hpp>

#include <cmath>

namespace citycheck::engine::report {

bool level_has_map(const ReportData& data, std::size_t level) {
    if (level >= data.levels.size() || data.levels[level].zones.size() < 2) return false;
    for (const auto& z : data.levels[level].zones)
        if (!z.wkb.empty()) return true;
    return false;
}

ProjectedZones project_level(const ReportData& data, std::size_t level) {
    std::vector<const std::vector<unsigned char>*> wkbs;
    for (const auto& z : data.levels[level].zones) wkbs.push_back(&z.wkb);
    return project_zones(wkbs);
}

bool is_coverage(const IndicatorInfo& info) { return info.primitive == "coverage"; }

Colouring colour_indicator(const ReportData& data, std::size_t level, std::size_t indicator, const ReportOptions& options) {
    Colouring c;
    const auto& info = data.indicators[indicator];
    const auto& zones = data.levels[level].zones;
    std::vector<double> values;
    for (const auto& z : zones) values.push_back(z.cells[indicator].value);
    c.classes = quantile_classes(values, options.map_classes);
    const bool bad_high = info.target_text.rfind("≤", 0) == 0 || info.target_text.rfind("<", 0) == 0;
    c.palette = palette(c.classes.size(), bad_high);
    bool missing = false;
    for (double v : values) {
        const int k = c.classes.class_of(v);
        missing |= k < 0;
        c.zone_class.push_back(k);
    }
    for (std::size_t k = 0; k < c.classes.size(); ++k) {
        const double hi = c.classes.upper[k];
        const double lo = k == 0 ? c.classes.min : c.classes.upper[k - 1];
        const std::string label = lo == hi || c.classes.distinct ? format_value(hi) : format_value(lo) + " – " + format_value(hi);
        c.legend.push_back({c.palette[k], label});
    }
    if (missing) c.legend.push_back({NO_DATA_COLOUR, tx(options.lang, "无数据", "no data")});
    c.title = indicator_name(info, options.lang) + (info.unit_label.empty() ? "" : " (" + info.unit_label + ")");
    return c;
}

std::string indicator_map_svg(const ReportData& data, std::size_t level, std::size_t indicator, const ProjectedZones& zones,
                              const ReportOptions& options, const std::string& id, const std::string& legend_id) {
    const auto col = colour_indicator(data, level, indicator, options);
    MapSpec spec;
    spec.id = id;
    spec.legend_id = legend_id;
    spec.title = col.title;
    spec.legend = col.legend;
    for (int k : col.zone_class) spec.fills.push_back(k < 0 ? NO_DATA_COLOUR : col.palette[static_cast<std::size_t>(k)]);
    for (const auto& z : data.levels[level].zones) spec.tooltips.push_back(z.name.empty() ? z.id : z.name);
    const double m = data.crs.empty() ? 1.0 : data.crs.linear_units_to_metre();
    spec.metres_per_unit = std::isfinite(m) && m > 0 ? m : 1.0;
    spec.north = tx(options.lang, "北", "N");
    spec.scale_unit_m = tx(options.lang, "米", "m");
    spec.scale_unit_km = tx(options.lang, "千米", "km");
    return choropleth_svg(zones, spec);
}

}  // namespace citycheck::engine::report
