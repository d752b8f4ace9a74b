// The health-check report: classing, simplification, charts, the HTML page, the XLSX workbook, and
// that every number shown is the run's (compared with the run's CSV files).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>

#include "report_fixture.hpp"
#include "synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/engine/report/charts_svg.hpp>
#include <citycheck/engine/report/classify.hpp>
#include <citycheck/engine/report/map_geometry.hpp>
#include <citycheck/engine/report/map_svg.hpp>
#include <citycheck/engine/report/problems.hpp>
#include <citycheck/engine/report/report_html.hpp>
#include <citycheck/engine/report/report_maps.hpp>
#include <citycheck/engine/report/report_png.hpp>
#include <citycheck/engine/report/report_writer.hpp>
#include <citycheck/engine/report/report_xlsx.hpp>
#include <citycheck/engine/runner.hpp>
#include <citycheck/spatial/gdal.hpp>

using namespace citycheck::engine;
using namespace citycheck::engine::report;
namespace ct = citycheck::test;
namespace fs = std::filesystem;

namespace {
std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
    return n;
}

// Runs the synthetic city (tests/engine/synthetic_city.hpp) into dir/out.
RunResult run_synthetic(const ct::TempDir& tmp, HealthCheckConfig& cfg) {
    ct::write_synthetic_city(tmp.path());
    std::ofstream(tmp / "healthcheck.yaml") << ct::synthetic_healthcheck();
    cfg = load_healthcheck(tmp / "healthcheck.yaml");
    return run_healthcheck(cfg, RunOptions{});
}

bool same_number(const std::string& csv, const nlohmann::json& j) {
    if (csv.empty()) return j.is_null();
    if (!j.is_number()) return false;
    const double a = std::stod(csv), b = j.get<double>();
    return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a));
}
}  // namespace

TEST(ReportClassifyTest, QuantilesSplitTenValuesIntoFiveEqualClasses) {
    const auto c = quantile_classes({10, 9, 8, 7, 6, 5, 4, 3, 2, 1, NAN}, 5);
    EXPECT_EQ(c.upper, (std::vector<double>{2, 4, 6, 8, 10}));
    EXPECT_EQ(c.min, 1);
    EXPECT_EQ(c.class_of(1), 0);
    EXPECT_EQ(c.class_of(2), 0);
    EXPECT_EQ(c.class_of(2.5), 1);
    EXPECT_EQ(c.class_of(10), 4);
    EXPECT_EQ(c.class_of(NAN), -1);
}

TEST(ReportClassifyTest, FewDistinctValuesGetOneClassEachAndTiesMerge) {
    EXPECT_EQ(quantile_classes({3, 1, 1, 3, 2}, 5).upper, (std::vector<double>{1, 2, 3}));
    // 8 zeros and 2 ones in 5 quantiles: the zero classes merge.
    const auto c = quantile_classes({0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0.5}, 5);
    EXPECT_EQ(c.upper.front(), 0);
    EXPECT_EQ(c.upper.back(), 1);
    EXPECT_TRUE(std::is_sorted(c.upper.begin(), c.upper.end()));
    EXPECT_TRUE(quantile_classes({NAN, NAN}, 5).upper.empty());
    EXPECT_EQ(palette(5, false).size(), 5u);
    EXPECT_NE(palette(3, true)[0], palette(3, false)[0]);
}

TEST(ReportMapTest, ScaleBarLengthsAreOneTwoFiveTimesAPowerOfTen) {
    EXPECT_DOUBLE_EQ(nice_scale_length(1234), 1000);
    EXPECT_DOUBLE_EQ(nice_scale_length(4999), 2000);
    EXPECT_DOUBLE_EQ(nice_scale_length(5000), 5000);
    EXPECT_DOUBLE_EQ(nice_scale_length(0.7), 0.5);
}

TEST(ReportMapTest, ProjectionKeepsTheAspectAndPutsNorthUp) {
    citycheck::spatial::GeosContext geos;
    // 2000 m wide, 1000 m tall; a second square in the north-east corner.
    const auto a = geos.to_wkb(*geos.from_wkt("POLYGON((0 0,2000 0,2000 1000,0 1000,0 0))"));
    const auto b = geos.to_wkb(*geos.from_wkt("POLYGON((1900 900,2000 900,2000 1000,1900 1000,1900 900))"));
    const std::vector<unsigned char> empty;
    const auto p = project_zones({&a, &b, &empty}, 420, 1000, 0.4);
    EXPECT_DOUBLE_EQ(p.frame.scale, 0.2);  // (420 − 2·10 margin) / 2000
    EXPECT_DOUBLE_EQ(p.frame.width, 420);
    EXPECT_DOUBLE_EQ(p.frame.height, 220);
    EXPECT_EQ(p.paths[0], "M10.0 210.0L410.0 210.0L410.0 10.0L10.0 10.0Z");
    EXPECT_EQ(p.paths[1], "M390.0 30.0L410.0 30.0L410.0 10.0L390.0 10.0Z");  // top right: north up
    EXPECT_EQ(p.paths[2], "");
}

TEST(ReportMapTest, TenThousandZonesSimplifyToASmallSvg) {
    // 100 × 100 zones of 48 vertices each (480,000 vertices), 100 m cells.
    const auto d = ct::synthetic_report(100, 100, 1, 48);
    const auto zones = project_level(d, 1);
    ASSERT_EQ(zones.paths.size(), 10000u);
    EXPECT_GT(zones.vertices_in, 480'000u);
    EXPECT_LT(zones.vertices_out, zones.vertices_in / 6) << "simplification at 0.4 px must drop most vertices (49 → 6 per zone)";
    const auto svg = indicator_map_svg(d, 1, 0, zones, ReportOptions{});
    EXPECT_LT(svg.size(), 3'000'000u) << "10,000 zones drawn in " << svg.size() << " bytes";
    EXPECT_EQ(count(svg, "<path fill="), 10000u);
    EXPECT_NE(svg.find("class=\"scalebar\""), std::string::npos);
    EXPECT_NE(svg.find("class=\"north\""), std::string::npos);
    EXPECT_NE(svg.find("class=\"legend\""), std::string::npos);
    EXPECT_NE(svg.find("千米"), std::string::npos);  // 10 km wide map: the scale bar is in km
}

TEST(ReportHtmlTest, TenThousandZonesAndThirtyIndicatorsStayUnderTwentyMegabytes) {
    const auto d = ct::synthetic_report(100, 100, 30, 16);
    const auto html = render_report_html(d, ReportOptions{});
    EXPECT_LT(html.size(), 20'000'000u) << html.size();
    const auto j = ct::report_embedded_data(html);
    ASSERT_EQ(j["levels"].size(), 2u);
    EXPECT_EQ(j["levels"][1]["ids"].size(), 10000u);
    EXPECT_EQ(j["levels"][1]["cls"][0].get<std::string>().size(), 10000u);
    EXPECT_EQ(count(html, "<path fill="), 10000u) << "one map per level, recoloured per indicator by the script";
}

TEST(ReportChartsTest, RadarHasOneAxisPerDimensionAndTrendOnePointPerYear) {
    std::vector<RadarAxis> axes;
    for (const auto& d : TDT1063_DIMENSIONS) axes.push_back({d, 50.0});
    axes[2].score.reset();
    const auto radar = radar_svg("TD/T 1063", axes);
    EXPECT_EQ(count(radar, "<line "), 6u);
    EXPECT_NE(radar.find("协调 —"), std::string::npos);  // absent score
    const auto trend = line_chart_svg("x", "%", {{2023, 1}, {2024, 2}, {2025, NAN}});
    EXPECT_EQ(count(trend, "<circle "), 2u);
    EXPECT_NE(trend.find(">2024<"), std::string::npos);
}

TEST(ReportProblemsTest, RankedByShareOfZonesThenGapWithDriversFromTheNextLevel) {
    auto d = ct::synthetic_report(3, 3, 2, 8);
    // City: only ind_1 is a problem there; zones 0, 3, 6 (index % 3 == 0) have both problems.
    d.levels[0].zones[0].problems = {{"ind_1", "指标1", 1.125, "≥ 40", 0.5, Status::not_met}};
    const auto city = rank_problems(d, 0);
    ASSERT_EQ(city.size(), 1u);
    EXPECT_EQ(d.indicators[city[0].indicator].id, "ind_1");
    ASSERT_EQ(city[0].drivers.size(), 3u);
    EXPECT_EQ(city[0].drivers[0].level, 1u);
    EXPECT_GE(city[0].drivers[0].gap, city[0].drivers[1].gap);
    const auto fine = rank_problems(d, 1);
    ASSERT_EQ(fine.size(), 2u);
    EXPECT_EQ(fine[0].zones_affected, 3u);
    EXPECT_EQ(fine[0].zones_total, 9u);
    EXPECT_EQ(d.indicators[fine[0].indicator].id, "ind_1");  // same share, larger mean gap (+0.01)
}

TEST(ReportHtmlTest, NumbersInTheReportAreTheRunsCsvNumbers) {
    ct::TempDir tmp;
    HealthCheckConfig cfg;
    const auto r = run_synthetic(tmp, cfg);
    const auto out = tmp / "out";
    const auto data = load_report_data(out);
    ASSERT_EQ(data.levels.size(), 3u);
    ASSERT_FALSE(data.levels[1].zones[0].wkb.empty());
    const auto html = render_report_html(data, ReportOptions{});
    const auto j = ct::report_embedded_data(html);
    for (std::size_t k = 0; k < data.levels.size(); ++k) {
        const auto rows = ct::parse_csv(ct::read_file(out / ("results_" + data.levels[k].level_en + ".csv")));
        ASSERT_EQ(rows.size(), data.levels[k].zones.size() + 1);
        const auto& header = rows[0];
        const auto& L = j["levels"][k];
        for (std::size_t i = 0; i < data.indicators.size(); ++i) {
            const auto col = std::find(header.begin(), header.end(), data.indicators[i].id) - header.begin();
            ASSERT_LT(static_cast<std::size_t>(col), header.size()) << data.indicators[i].id;
            for (std::size_t z = 1; z < rows.size(); ++z) {
                ASSERT_EQ(L["ids"][z - 1], rows[z][0]);
                EXPECT_TRUE(same_number(rows[z][static_cast<std::size_t>(col)], L["v"][i][z - 1]))
                    << data.levels[k].level_en << " " << rows[z][0] << " " << data.indicators[i].id << ": csv " << rows[z][static_cast<std::size_t>(col)]
                    << " report " << L["v"][i][z - 1];
                if (k == 0) {  // the static indicator table carries the exact value too
                    const std::string cell = "data-ind=\"" + data.indicators[i].id + "\" data-value=\"" + rows[z][static_cast<std::size_t>(col)] + "\"";
                    EXPECT_NE(html.find(cell), std::string::npos) << cell;
                }
            }
        }
    }
    // The in-memory path gives the same page (apart from nothing: same data, same order).
    auto prov = nlohmann::json::parse(ct::read_file(out / "provenance.json"));
    ReportOptions fixed;
    fixed.generated_utc = "2025-01-01 00:00 UTC";
    EXPECT_EQ(render_report_html(report_data_from_run(cfg, r, prov), fixed).size(), render_report_html(data, fixed).size());
}

TEST(ReportHtmlTest, SectionsLanguageAndNoStoreNote) {
    ct::TempDir tmp;
    HealthCheckConfig cfg;
    run_synthetic(tmp, cfg);
    const auto data = load_report_data(tmp / "out");
    const auto zh = render_report_html(data, ReportOptions{});
    for (const char* id : {"overview", "indicators", "maps", "problems", "zones", "trends", "methods", "provenance"})
        EXPECT_NE(zh.find(std::string("<section id=\"") + id + "\""), std::string::npos) << id;
    EXPECT_NE(zh.find("城市体检报告"), std::string::npos);
    EXPECT_NE(zh.find("未提供历史数据库"), std::string::npos);
    EXPECT_NE(zh.find("id=\"method-waterlogging_point_density\""), std::string::npos);
    EXPECT_NE(zh.find("href=\"#method-waterlogging_point_density\""), std::string::npos);
    EXPECT_EQ(count(zh, "http://"), count(zh, "http://www.w3.org/2000/svg")) << "no network references but the SVG namespace";
    EXPECT_EQ(zh.find("https://"), std::string::npos);
    EXPECT_EQ(zh.find("<script src"), std::string::npos);
    EXPECT_EQ(count(zh, "class=\"radar\""), 2u);
    ReportOptions en;
    en.lang = Lang::en;
    const auto html_en = render_report_html(data, en);
    EXPECT_NE(html_en.find(">Overview<"), std::string::npos);
    EXPECT_NE(html_en.find("No store was given"), std::string::npos);
}

TEST(ReportHtmlTest, HistoryGivesTrendChartsAndTheChangeFromLastYear) {
    auto d = ct::synthetic_report(2, 2, 2, 8);
    History h;
    h.source = "store.gpkg";
    h.indicators["ind_0"] = {{2023, 0.0}, {2024, 0.1}};
    h.overall = {{2023, 60}, {2024, 70}};
    d.history = h;
    const auto html = render_report_html(d, ReportOptions{});
    EXPECT_EQ(count(html, "class=\"trend\""), 2u);  // overall + ind_0
    EXPECT_NE(html.find("+0.025 (2024)"), std::string::npos) << "0.125 − 0.1";
    EXPECT_EQ(html.find("未提供历史数据库"), std::string::npos);
}

TEST(ReportXlsxTest, OneSheetPerLevelWithTheRunsValues) {
    ct::TempDir tmp;
    HealthCheckConfig cfg;
    run_synthetic(tmp, cfg);
    const auto data = load_report_data(tmp / "out");
    const auto path = tmp / "report.xlsx";
    write_report_xlsx(data, ReportOptions{}, path);
    auto ds = citycheck::spatial::open_dataset(path.string(), citycheck::spatial::DatasetKind::vector);
    ASSERT_EQ(ds->GetLayerCount(), 4);  // 指标 + 市 区 街道
    EXPECT_STREQ(ds->GetLayer(1)->GetName(), "市");
    OGRLayer* streets = ds->GetLayerByName("街道");
    ASSERT_TRUE(streets);
    EXPECT_EQ(streets->GetFeatureCount(), 4);
    const auto rows = ct::parse_csv(ct::read_file(tmp / "out" / "results_subdistrict.csv"));
    const auto col = std::find(rows[0].begin(), rows[0].end(), "waterlogging_point_density") - rows[0].begin();
    std::map<std::string, double> csv;
    for (std::size_t z = 1; z < rows.size(); ++z) csv[rows[z][0]] = std::stod(rows[z][static_cast<std::size_t>(col)]);
    std::size_t seen = 0;
    for (auto& f : *streets) {
        const std::string id = f->GetFieldAsString("zone_id");
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("waterlogging_point_density"), csv.at(id)) << id;
        ++seen;
    }
    EXPECT_EQ(seen, 4u);
    EXPECT_TRUE(fs::exists(path));
    for (const auto& e : fs::directory_iterator(tmp.path())) EXPECT_EQ(e.path().filename().string().rfind(".tmp-", 0), std::string::npos);
}

TEST(ReportPngTest, MapsAreWrittenAsSvgAndPngOrSvgWithAWarning) {
    auto d = ct::synthetic_report(3, 4, 2, 16);
    ct::TempDir tmp;
    const auto maps = export_maps(d, ReportOptions{}, tmp / "maps");
    ASSERT_EQ(maps.svg_files.size(), 2u);  // community level × 2 indicators (the city has one zone: no map)
    EXPECT_TRUE(fs::exists(tmp / "maps" / "community_ind_0.svg"));
    if (!find_chromium()) {
        ASSERT_EQ(maps.warnings.size(), 1u);
        EXPECT_NE(maps.warnings[0].find("Chromium"), std::string::npos);
        GTEST_SKIP() << "Chromium is not installed: PNG rendering not tested (apt-get install chromium)";
    }
    ASSERT_EQ(maps.png_files.size(), 2u) << (maps.warnings.empty() ? "" : maps.warnings[0]);
    auto png = citycheck::spatial::open_dataset((tmp / "maps" / "community_ind_1.png").string(), citycheck::spatial::DatasetKind::raster);
    const auto svg = ct::read_file(tmp / "maps" / "community_ind_1.svg");
    const double w = std::atof(svg.c_str() + svg.find(" width=\"") + 8);
    EXPECT_EQ(png->GetRasterXSize(), static_cast<int>(std::lround(2 * w)));  // device scale 2
    // The first zone (index 0, the smallest value) is drawn in the lightest class colour #edf8e9.
    EXPECT_GE(png->GetRasterCount(), 3);
}
