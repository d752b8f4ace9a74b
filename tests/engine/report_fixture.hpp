#pragma once
// Report test helpers: a synthetic ReportData of any size built in code, a CSV reader, and
// extraction of the report's embedded data.
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <citycheck/engine/report/report_data.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::test {

// Rows of a CSV file (RFC 4180 quotes), header first.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') quoted = true;
        else if (c == ',') rows.back().push_back(field), field.clear();
        else if (c == '\n') {
            rows.back().push_back(field), field.clear();
            rows.emplace_back();
        } else if (c != '\r') field += c;
    }
    if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

// The JSON the report embeds for its script.
inline nlohmann::json report_embedded_data(const std::string& html) {
    const std::string open = "<script type=\"application/json\" id=\"report-data\">";
    const auto a = html.find(open);
    if (a == std::string::npos) return {};
    const auto b = html.find("</script>", a);
    return nlohmann::json::parse(html.substr(a + open.size(), b - a - open.size()));
}

// A wobbly square ring with n vertices around (cx, cy), radius r (metres): many vertices that
// simplification must remove.
inline std::string wobbly_polygon_wkt(double cx, double cy, double r, int n) {
    std::ostringstream s;
    s.precision(10);
    s << "POLYGON((";
    for (int i = 0; i <= n; ++i) {
        const double a = 2 * M_PI * (i % n) / n;
        const double rr = r * (1 + 0.01 * std::sin(37 * a));
        // A square-ish shape so that neighbours nearly touch.
        const double c = std::cos(a), si = std::sin(a);
        const double k = 1 / std::max(std::fabs(c), std::fabs(si));
        s << (i ? "," : "") << cx + rr * k * c << " " << cy + rr * k * si;
    }
    s << "))";
    return s.str();
}

// A city of rows × cols square zones (cell metres wide) at the finest level plus the city itself;
// n_ind indicators with values v = zone index × (i + 1) and alternating statuses.
inline engine::report::ReportData synthetic_report(int rows, int cols, int n_ind, int vertices = 64, double cell = 100) {
    using namespace engine::report;
    ReportData d;
    d.city = "测试市";
    d.year = 2025;
    d.crs = spatial::Crs::from_epsg(4547);
    for (int i = 0; i < n_ind; ++i) {
        IndicatorInfo info;
        info.id = "ind_" + std::to_string(i);
        info.name_zh = "指标" + std::to_string(i);
        info.name_en = "Indicator " + std::to_string(i);
        info.unit = "percent";
        info.unit_label = "%";
        info.primitive = i == 0 ? "coverage" : "zonal";
        info.target_text = "≥ 40";
        info.tdt1063 = "绿色";
        info.mohurd = "生态宜居";
        info.description = "说明 " + std::to_string(i);
        d.indicators.push_back(info);
    }
    spatial::GeosContext geos;
    auto wkb_of = [&](const std::string& wkt) { return geos.to_wkb(*geos.from_wkt(wkt)); };
    auto make_zone = [&](const std::string& id, std::size_t index, const std::string& wkt) {
        ReportZone z;
        z.id = id;
        z.name = "分区" + id;
        z.wkb = wkb_of(wkt);
        for (int i = 0; i < n_ind; ++i) {
            Cell c;
            c.value = static_cast<double>(index) * (i + 1) + 0.125;
            c.status = index % 3 == 0 ? engine::Status::not_met : engine::Status::met;
            c.score = 50.0;
            c.grade = "差";
            z.cells.push_back(c);
            if (c.status == engine::Status::not_met)
                z.problems.push_back({"ind_" + std::to_string(i), "指标", c.value, "≥ 40", 0.01 * static_cast<double>(index % 7 + i), c.status});
        }
        for (const auto& dim : engine::TDT1063_DIMENSIONS) z.dimensions.push_back({"tdt1063", dim, 70.0, "中"});
        for (const auto& dim : engine::MOHURD_DIMENSIONS) z.dimensions.push_back({"mohurd", dim, 80.0, "良"});
        z.overall = 75.0;
        z.grade = "良";
        return z;
    };
    const double x0 = 500000, y0 = 3400000;
    ReportLevel city{"市", "city", {}};
    city.zones.push_back(make_zone("C", 0, "POLYGON((" + std::to_string(x0) + " " + std::to_string(y0) + "," + std::to_string(x0 + cols * cell) + " " +
                                               std::to_string(y0) + "," + std::to_string(x0 + cols * cell) + " " + std::to_string(y0 + rows * cell) +
                                               "," + std::to_string(x0) + " " + std::to_string(y0 + rows * cell) + "," + std::to_string(x0) + " " +
                                               std::to_string(y0) + "))"));
    ReportLevel fine{"社区", "community", {}};
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const std::size_t index = static_cast<std::size_t>(r * cols + c);
            auto z = make_zone("Z" + std::to_string(index), index,
                               wobbly_polygon_wkt(x0 + (c + 0.5) * cell, y0 + (r + 0.5) * cell, 0.45 * cell, vertices));
            z.parent_id = "C";
            fine.zones.push_back(std::move(z));
        }
    d.levels = {std::move(city), std::move(fine)};
    return d;
}

}  // namespace citycheck::test
