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

std::optional<std::size_t> service_area_level(const ReportData& data) {
    for (std::size_t k = data.levels.size(); k-- > 0;)
        if (level_has_map(data, k)) return k;
    return std::nullopt;
}

namespace {
void set_map_units(const ReportData& data, const ReportOptions& options, MapSpec& spec) {
    const double m = data.crs.empty() ? 1.0 : data.crs.linear_units_to_metre();
    spec.metres_per_unit = std::isfinite(m) && m > 0 ? m : 1.0;
    spec.north = tx(options.lang, "北", "N");
    spec.scale_unit_m = tx(options.lang, "米", "m");
    spec.scale_unit_km = tx(options.lang, "千米", "km");
}
}  // namespace

std::string service_area_map_svg(const ReportData& data, std::size_t level, const ServiceAreaLayer& areas, const ProjectedZones& zones,
                                 const ReportOptions& options, const std::string& id) {
    static const char* AREA = "#3182bd";
    static const char* BACKGROUND = "#f4f4f4";
    MapSpec spec;
    spec.id = id;
    const auto idx = data.indicator_index(areas.indicator_id);
    const std::string name = idx ? indicator_name(data.indicators[*idx], options.lang) : areas.indicator_id;
    spec.title = name + tx(options.lang, " 服务范围", ": service areas");
    spec.fills.assign(zones.paths.size(), BACKGROUND);
    spec.zone_stroke = "#888";
    for (const auto& z : data.levels[level].zones) spec.tooltips.push_back(z.name.empty() ? z.id : z.name);
    std::vector<const std::vector<unsigned char>*> wkbs;
    for (const auto& w : areas.zone_wkb) wkbs.push_back(&w);
    const auto projected = project_in_frame(wkbs, zones.frame);
    std::string path;
    for (const auto& p : projected.paths) path += p;
    spec.overlays.push_back({std::move(path), AREA, 0.65, "service-area"});
    for (const auto& p : areas.facilities) {
        const double x = zones.frame.x(p.x), y = zones.frame.y(p.y);
        if (x >= 0 && y >= 0 && x <= zones.frame.width && y <= zones.frame.height) spec.points.push_back({x, y});
    }
    spec.legend.push_back({AREA, tx(options.lang, "服务范围（可达需求）", "service area (demand within reach)")});
    spec.legend.push_back({BACKGROUND, tx(options.lang, "未覆盖", "not covered")});
    if (!spec.points.empty()) spec.legend.push_back({spec.point_colour, tx(options.lang, "设施", "facilities"), true});
    set_map_units(data, options, spec);
    return choropleth_svg(zones, spec);
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
    set_map_units(data, options, spec);
    return choropleth_svg(zones, spec);
}

}  // namespace citycheck::engine::report
