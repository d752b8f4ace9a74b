// Choropleth SVG: zones, legend, scale bar, north arrow.
#include <citycheck/engine/report/map_svg.hpp>

#include <citycheck/engine/report/html_text.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace citycheck::engine::report {

namespace {
constexpr double LEGEND_WIDTH = 200;

// Fixed decimals ("%.0f" → 0, "%.1f" → 1 …) or, for "%g ", the shortest form.
std::string fmt(const char* f, double a) {
    char buf[64];
    if (f[1] == 'g') std::snprintf(buf, sizeof buf, "%g ", a);
    else std::snprintf(buf, sizeof buf, "%.*f", f[2] - '0', a);
    return buf;
}
}  // namespace

double nice_scale_length(double max_m) {
    if (!(max_m > 0)) return 0;
    const double p = std::pow(10.0, std::floor(std::log10(max_m)));
    for (double m : {5.0, 2.0, 1.0})
        if (m * p <= max_m) return m * p;
    return p;
}

// The legend title in lines of at most 12 characters (code points), so long indicator names fit
// the 200 px legend column.
static std::vector<std::string> title_lines(const std::string& title) {
    std::vector<std::string> lines(1);
    int count = 0;
    for (std::size_t i = 0; i < title.size(); ++i) {
        const auto c = static_cast<unsigned char>(title[i]);
        const bool starts = (c & 0xC0) != 0x80;
        if (starts && count == 12) {
            lines.emplace_back();
            count = 0;
        }
        if (starts) ++count;
        lines.back() += title[i];
    }
    return lines;
}

std::string legend_svg_body(const std::vector<LegendEntry>& legend, const std::string& title) {
    std::string s;
    double y = 12;
    for (const auto& line : title_lines(title)) {
        s += "<text x=\"0\" y=\"" + fmt("%.0f", y) + "\" font-size=\"13\" font-weight=\"bold\">" + html_escape(line) + "</text>";
        y += 16;
    }
    y -= 4;
    for (const auto& e : legend) {
        if (e.point)
            s += "<circle cx=\"9\" cy=\"" + fmt("%.0f", y + 7) + "\" r=\"3.5\" fill=\"" + e.colour + "\" stroke=\"#fff\" stroke-width=\"0.8\"/>";
        else
            s += "<rect x=\"0\" y=\"" + fmt("%.0f", y) + "\" width=\"18\" height=\"14\" fill=\"" + e.colour +
                 "\" stroke=\"#666\" stroke-width=\"0.5\"/>";
        s += "<text x=\"26\" y=\"" + fmt("%.0f", y + 11) + "\" font-size=\"12\">" + html_escape(e.label) + "</text>";
        y += 20;
    }
    return s;
}

std::string choropleth_svg(const ProjectedZones& zones, const MapSpec& spec) {
    const auto& f = zones.frame;
    const double legend_h = 30 + 16.0 * static_cast<double>(title_lines(spec.title).size() - 1) + 20.0 * static_cast<double>(spec.legend.size());
    const double width = f.width + LEGEND_WIDTH, height = std::max(f.height, legend_h + 20);
    std::string s;
    s.reserve(zones.paths.size() * 90 + 2048);
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\"";
    if (!spec.id.empty()) s += " id=\"" + html_escape(spec.id) + "\"";
    s += " viewBox=\"0 0 " + fmt("%.0f", width) + " " + fmt("%.0f", height) + "\" width=\"" + fmt("%.0f", width) + "\" height=\"" +
         fmt("%.0f", height) + "\" font-family=\"'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif\">";
    s += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>";
    // Thin strokes only when zones are large enough on screen to show them.
    const double stroke = zones.paths.size() > 2000 ? 0.15 : zones.paths.size() > 300 ? 0.3 : 0.8;
    s += "<g class=\"zones\" stroke=\"" + spec.zone_stroke + "\" stroke-width=\"" + fmt("%.2f", stroke) + "\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">";
    for (std::size_t z = 0; z < zones.paths.size(); ++z) {
        const std::string& fill = z < spec.fills.size() ? spec.fills[z] : std::string("#d9d9d9");
        s += "<path fill=\"" + fill + "\" d=\"" + zones.paths[z] + "\"";
        if (z < spec.tooltips.size() && !spec.tooltips[z].empty())
            s += "><title>" + html_escape(spec.tooltips[z]) + "</title></path>";
        else
            s += "/>";
    }
    s += "</g>";
    for (const auto& o : spec.overlays) {
        if (o.path.empty()) continue;
        s += "<path";
        if (!o.css_class.empty()) s += " class=\"" + html_escape(o.css_class) + "\"";
        s += " fill=\"" + o.fill + "\" fill-opacity=\"" + fmt("%.2f", o.opacity) + "\" stroke=\"none\" fill-rule=\"evenodd\" d=\"" + o.path + "\"/>";
    }
    if (!spec.points.empty()) {
        const double r = spec.points.size() > 2000 ? 1.2 : spec.points.size() > 300 ? 2.0 : 3.0;
        s += "<g class=\"points\" fill=\"" + spec.point_colour + "\" stroke=\"#fff\" stroke-width=\"0.5\">";
        for (const auto& [x, y] : spec.points)
            s += "<circle cx=\"" + fmt("%.1f", x) + "\" cy=\"" + fmt("%.1f", y) + "\" r=\"" + fmt("%.1f", r) + "\"/>";
        s += "</g>";
    }
    // North arrow (the working CRS is projected, grid north up).
    const double nx = f.margin + 18, ny = f.margin + 6;
    s += "<g class=\"north\"><rect x=\"" + fmt("%.1f", nx - 12) + "\" y=\"" + fmt("%.1f", ny - 4) +
         "\" width=\"24\" height=\"48\" rx=\"3\" fill=\"#fff\" fill-opacity=\"0.8\"/><path d=\"M" + fmt("%.1f", nx) + " " + fmt("%.1f", ny) + "l-8 26l8-6l8 6z\" fill=\"#222\"/>";
    s += "<text x=\"" + fmt("%.1f", nx) + "\" y=\"" + fmt("%.1f", ny + 40) + "\" font-size=\"12\" text-anchor=\"middle\">" +
         html_escape(spec.north) + "</text></g>";
    // Scale bar: a nice length of at most a quarter of the map width.
    const double m_per_px = spec.metres_per_unit / f.scale;
    const double len_m = nice_scale_length(0.25 * (f.width - 2 * f.margin) * m_per_px);
    if (len_m > 0 && std::isfinite(m_per_px)) {
        const double len_px = len_m / m_per_px, x0 = f.margin + 4, y0 = f.height - f.margin - 6;
        const std::string label = len_m >= 1000 ? fmt("%g ", len_m / 1000) + spec.scale_unit_km : fmt("%g ", len_m) + spec.scale_unit_m;
        s += "<g class=\"scalebar\"><rect x=\"" + fmt("%.1f", x0 - 4) + "\" y=\"" + fmt("%.1f", y0 - 22) + "\" width=\"" +
             fmt("%.1f", len_px + 40) + "\" height=\"26\" rx=\"3\" fill=\"#fff\" fill-opacity=\"0.8\"/><rect x=\"" + fmt("%.1f", x0) + "\" y=\"" + fmt("%.1f", y0 - 5) + "\" width=\"" + fmt("%.1f", len_px / 2) +
             "\" height=\"5\" fill=\"#222\"/><rect x=\"" + fmt("%.1f", x0 + len_px / 2) + "\" y=\"" + fmt("%.1f", y0 - 5) + "\" width=\"" +
             fmt("%.1f", len_px / 2) + "\" height=\"5\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"0.8\"/>";
        s += "<text x=\"" + fmt("%.1f", x0) + "\" y=\"" + fmt("%.1f", y0 - 9) + "\" font-size=\"11\">0</text><text x=\"" +
             fmt("%.1f", x0 + len_px) + "\" y=\"" + fmt("%.1f", y0 - 9) + "\" font-size=\"11\" text-anchor=\"middle\">" + html_escape(label) +
             "</text></g>";
    }
    s += "<g class=\"legend\" transform=\"translate(" + fmt("%.0f", f.width + 10) + ",12)\"";
    if (!spec.legend_id.empty()) s += " id=\"" + html_escape(spec.legend_id) + "\"";
    s += ">" + legend_svg_body(spec.legend, spec.title) + "</g>";
    s += "</svg>";
    return s;
}

}  // namespace citycheck::engine::report
