// Radar and line charts as plain SVG (no script needed to display them).
#include <citycheck/engine/report/charts_svg.hpp>

#include <citycheck/engine/report/html_text.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace citycheck::engine::report {

namespace {
std::string f1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}
const char* FONT = " font-family=\"'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif\"";
}  // namespace

std::string radar_svg(const std::string& title, const std::vector<RadarAxis>& axes, double size) {
    // Extra width on both sides for the axis labels (the longest MOHURD names are 4 characters + score).
    const double width = size + 160, cx = width / 2, cy = size / 2 + 24, r = size / 2 - 50;
    const std::size_t n = axes.size();
    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"radar\" viewBox=\"0 0 " + f1(width) + " " + f1(size + 30) +
                    "\" width=\"" + f1(width) + "\" height=\"" + f1(size + 30) + "\"" + FONT + ">";
    s += "<text x=\"" + f1(cx) + "\" y=\"16\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" + html_escape(title) + "</text>";
    if (n < 3) return s + "</svg>";
    auto pt = [&](std::size_t i, double frac) {
        const double a = -std::numbers::pi / 2 + 2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n);
        return std::pair{cx + r * frac * std::cos(a), cy + r * frac * std::sin(a)};
    };
    for (double ring : {0.2, 0.4, 0.6, 0.8, 1.0}) {  // grid every 20 points
        std::string d;
        for (std::size_t i = 0; i < n; ++i) {
            auto [x, y] = pt(i, ring);
            d += (i ? "L" : "M") + f1(x) + " " + f1(y);
        }
        s += "<path d=\"" + d + "Z\" fill=\"none\" stroke=\"#ccc\" stroke-width=\"0.8\"/>";
    }
    std::string poly;
    for (std::size_t i = 0; i < n; ++i) {
        auto [x, y] = pt(i, 1.0);
        s += "<line x1=\"" + f1(cx) + "\" y1=\"" + f1(cy) + "\" x2=\"" + f1(x) + "\" y2=\"" + f1(y) + "\" stroke=\"#ccc\" stroke-width=\"0.8\"/>";
        auto [lx, ly] = pt(i, 1.16);
        const char* anchor = std::fabs(lx - cx) < 5 ? "middle" : lx < cx ? "end" : "start";
        s += "<text x=\"" + f1(lx) + "\" y=\"" + f1(ly + 4) + "\" text-anchor=\"" + anchor + "\" font-size=\"12\"" +
             (axes[i].score ? "" : " fill=\"#999\"") + ">" + html_escape(axes[i].label) + " " +
             (axes[i].score ? f1(*axes[i].score) : std::string("—")) + "</text>";
        const double v = axes[i].score ? std::clamp(*axes[i].score, 0.0, 100.0) / 100.0 : 0.0;
        auto [px, py] = pt(i, v);
        poly += (i ? "L" : "M") + f1(px) + " " + f1(py);
    }
    s += "<path d=\"" + poly + "Z\" fill=\"#3182bd\" fill-opacity=\"0.3\" stroke=\"#08519c\" stroke-width=\"1.5\"/>";
    return s + "</svg>";
}

std::string line_chart_svg(const std::string& title, const std::string& unit, const std::vector<SeriesPoint>& points, double width,
                           double height) {
    const double l = 50, r = 15, t = 28, b = 28;
    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend\" viewBox=\"0 0 " + f1(width) + " " + f1(height) +
                    "\" width=\"" + f1(width) + "\" height=\"" + f1(height) + "\"" + FONT + ">";
    s += "<text x=\"" + f1(width / 2) + "\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">" + html_escape(title) +
         (unit.empty() ? "" : " (" + html_escape(unit) + ")") + "</text>";
    std::vector<SeriesPoint> pts;
    for (const auto& p : points)
        if (std::isfinite(p.y)) pts.push_back(p);
    if (pts.empty()) return s + "</svg>";
    double xmin = pts.front().x, xmax = pts.front().x, ymin = pts.front().y, ymax = pts.front().y;
    for (const auto& p : pts) {
        xmin = std::min(xmin, p.x), xmax = std::max(xmax, p.x);
        ymin = std::min(ymin, p.y), ymax = std::max(ymax, p.y);
    }
    if (ymin > 0 && ymin < 0.5 * ymax) ymin = 0;
    if (ymax - ymin < 1e-12) ymin -= 1, ymax += 1;
    const double pad = 0.08 * (ymax - ymin);
    ymin -= pad, ymax += pad;
    if (xmax - xmin < 1e-12) xmin -= 1, xmax += 1;
    auto X = [&](double x) { return l + (x - xmin) / (xmax - xmin) * (width - l - r); };
    auto Y = [&](double y) { return t + (ymax - y) / (ymax - ymin) * (height - t - b); };
    s += "<path d=\"M" + f1(l) + " " + f1(t) + "V" + f1(height - b) + "H" + f1(width - r) + "\" fill=\"none\" stroke=\"#888\"/>";
    for (int i = 0; i <= 4; ++i) {
        const double v = ymin + (ymax - ymin) * i / 4.0;
        s += "<text x=\"" + f1(l - 4) + "\" y=\"" + f1(Y(v) + 4) + "\" text-anchor=\"end\" font-size=\"10\">" + format_value(v) + "</text>";
    }
    std::string d;
    for (const auto& p : pts) {
        d += (d.empty() ? "M" : "L") + f1(X(p.x)) + " " + f1(Y(p.y));
        s += "<circle cx=\"" + f1(X(p.x)) + "\" cy=\"" + f1(Y(p.y)) + "\" r=\"3\" fill=\"#08519c\"><title>" + f1(p.x) + ": " +
             format_value(p.y) + "</title></circle>";
        char year[16];
        std::snprintf(year, sizeof year, "%.0f", p.x);
        s += "<text x=\"" + f1(X(p.x)) + "\" y=\"" + f1(height - b + 14) + "\" text-anchor=\"middle\" font-size=\"10\">" + year + "</text>";
    }
    s += "<path d=\"" + d + "\" fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\"/>";
    return s + "</svg>";
}

}  // namespace citycheck::engine::report
