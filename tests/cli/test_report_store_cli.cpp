// `citycheck report --store S` without a run output folder: the report built from the store alone
// has the same indicator table (values and statuses) as the report built from the run's folder;
// errors for an empty store, a year not in the store and an ambiguous city. Service-area maps of
// coverage indicators: service_areas.gpkg in the run outputs (area = covered demand), stored, and
// drawn in the report. On a GeoPackage and (with CITYCHECK_TEST_PG) PostGIS; the demo city test is
// GeoPackage only (it runs the whole demo).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "../engine/synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/engine/store/store_db.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace ct = citycheck::test;
namespace fs = std::filesystem;

namespace {
std::string q(const std::string& s) { return "'" + s + "'"; }
std::string q(const fs::path& p) { return q(p.string()); }

// A coverage indicator on the synthetic city: zone area within 200 m (straight line) of a shop.
const char* SHOP_COVERAGE = R"(  - id: shop_coverage
    name: {zh: 商店200米覆盖率, en: Shop 200 m coverage}
    dimensions: {tdt1063: 共享, mohurd: 健康舒适}
    unit: percent
    primitive: coverage
    params: {facilities: shops, reach_m: 200, metric: euclidean, demand: zone_area}
    target: {op: ">=", value: 5, source: 测试}
)";

// Writes the synthetic city with the coverage indicator for city and year; returns the file.
fs::path healthcheck(const fs::path& dir, const std::string& city, int year) {
    if (!fs::exists(dir / "zones.gpkg")) ct::write_synthetic_city(dir);
    std::string text = ct::synthetic_healthcheck(SHOP_COVERAGE);
    text.replace(text.find("city: 测试市"), std::string("city: 测试市").size(), "city: \"" + city + "\"");
    text.replace(text.find("year: 2025"), std::string("year: 2025").size(), "year: " + std::to_string(year));
    const auto path = dir / ("hc_" + std::to_string(year) + "_" + std::to_string(std::hash<std::string>{}(city) % 100000) + ".yaml");
    std::ofstream(path) << text;
    return path;
}

struct Row {
    std::string value;   // data-value (%.10g of the run's value)
    std::string status;  // the status class st-?
};

// The indicator table of the report's first (city) zone: indicator id → value and status.
std::map<std::string, Row> indicator_table(const std::string& html) {
    std::map<std::string, Row> out;
    const auto start = html.find("<table class=\"indicators\"");
    const auto end = html.find("</table>", start);
    EXPECT_NE(start, std::string::npos);
    const std::string table = html.substr(start, end - start);
    static const std::regex cell("class=\"num st-(.)\" data-ind=\"([^\"]+)\" data-value=\"([^\"]*)\"");
    for (auto it = std::sregex_iterator(table.begin(), table.end(), cell); it != std::sregex_iterator(); ++it)
        out[(*it)[2].str()] = {(*it)[3].str(), (*it)[1].str()};
    return out;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
    return n;
}

// Sum of polygon areas and of the covered field of one layer of service_areas.gpkg.
std::pair<double, double> layer_area_and_covered(const fs::path& gpkg, const std::string& layer) {
    citycheck::spatial::GdalEnvironment::ensure();
    auto ds = citycheck::spatial::open_dataset(gpkg.string(), citycheck::spatial::DatasetKind::vector);
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    EXPECT_NE(l, nullptr) << layer;
    double area = 0, covered = 0;
    if (!l) return {0, 0};
    for (auto& f : *l) {
        if (const auto* g = f->GetGeometryRef()) area += OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)));
        covered += f->GetFieldAsDouble("covered");
    }
    return {area, covered};
}

class ReportStoreCli : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        const auto location = ct::store_location(GetParam(), m_tmp);
        if (!location) GTEST_SKIP() << ct::kNoPostgisMessage;
        m_store = *location;
    }
    // A city name no other test (or process) uses in a shared PostGIS store.
    std::string unique(const std::string& base) const {
        std::string n = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        for (auto& c : n)
            if (c == '/') c = '_';
        return base + "·" + n + "·" + std::to_string(::getpid());
    }
    ct::TempDir m_tmp{"citycheck-cli-report-store"};
    std::string m_store;
};
}  // namespace

TEST_P(ReportStoreCli, StoreAloneGivesTheSameIndicatorTableAsTheRunFolder) {
    const std::string city = unique("甲市");
    for (int year : {2024, 2025}) {
        const auto r = ct::run_citycheck("-q run " + q(healthcheck(m_tmp.path(), city, year)) + " --out " +
                                         q(m_tmp / ("out" + std::to_string(year))) + " --store " + q(m_store));
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    auto r = ct::run_citycheck("-q report " + q(m_tmp / "out2025") + " --store " + q(m_store) + " -o " + q(m_tmp / "folder.html"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = ct::run_citycheck("-q report --store " + q(m_store) + " --city " + q(city) + " --year 2025 -o " + q(m_tmp / "store.html"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto folder = ct::read_file(m_tmp / "folder.html"), stored = ct::read_file(m_tmp / "store.html");
    const auto a = indicator_table(folder), b = indicator_table(stored);
    ASSERT_EQ(a.size(), 4u);  // every indicator of the file
    ASSERT_EQ(b.size(), a.size());
    for (const auto& [id, row] : a) {
        ASSERT_TRUE(b.count(id)) << id;
        EXPECT_EQ(b.at(id).value, row.value) << id;
        EXPECT_EQ(b.at(id).status, row.status) << id;
    }
    // Known numbers: 8 shops on 8 km² → 1 per km² (not met: target ≥ 1.5); 34 waterlogging points
    // on 8 km² → 4.25 per km².
    EXPECT_EQ(b.at("shop_density").value, "1");
    EXPECT_EQ(b.at("shop_density").status, "x");
    EXPECT_EQ(b.at("waterlogging_point_density").value, "4.25");
    // The store-only report names its source, has trends from 2024 and the change from last year.
    EXPECT_NE(stored.find("数据来源：历史数据库"), std::string::npos);
    EXPECT_NE(stored.find("class=\"trend\""), std::string::npos);
    EXPECT_NE(stored.find("0.000 (2024)</td>"), std::string::npos);
    // The problem list, provenance (data sources) and the service-area map come from the store too.
    EXPECT_EQ(count(stored, "<table class=\"problems\">"), count(folder, "<table class=\"problems\">"));
    EXPECT_NE(stored.find("waterlogging_points"), std::string::npos) << "data sources from the stored provenance.json";
    for (const auto* html : {&folder, &stored}) {
        EXPECT_EQ(count(*html, "id=\"sa-shop_coverage\""), 1u);
        const auto p = html->find("class=\"service-area\"");
        ASSERT_NE(p, std::string::npos);
        EXPECT_GT(html->find("\"/>", p) - p, 200u) << "the service-area path has geometry";
        EXPECT_GE(count(*html, "<circle cx="), 8u) << "the 8 shops are drawn";
    }
    // --png-dir exports the service-area map too (as SVG always; as PNG where Chromium is installed).
    r = ct::run_citycheck("-q report --store " + q(m_store) + " --city " + q(city) + " --year 2025 -o " + q(m_tmp / "maps.html") +
                          " --png-dir " + q(m_tmp / "maps"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto sa_svg = ct::read_file(m_tmp / "maps" / "service_areas_shop_coverage.svg");
    EXPECT_NE(sa_svg.find("class=\"service-area\""), std::string::npos) << "the exported service-area map";
    // Default year is the latest; the year is checked against the folder.
    r = ct::run_citycheck("-q report --store " + q(m_store) + " --city " + q(city) + " -o " + q(m_tmp / "latest.html"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(ct::read_file(m_tmp / "latest.html").find(" 2025年 城市体检报告"), std::string::npos);
}

TEST_P(ReportStoreCli, YearNotInTheStoreAndAmbiguousCityAreUsageErrors) {
    const std::string a = unique("乙市"), b = unique("丙市");
    for (const auto& city : {a, b}) {
        const auto r = ct::run_citycheck("-q run " + q(healthcheck(m_tmp.path(), city, 2025)) + " --out " + q(m_tmp / "out") + " --store " +
                                         q(m_store));
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    auto r = ct::run_citycheck("report --store " + q(m_store) + " --city " + q(a) + " --year 2019 -o " + q(m_tmp / "r.html"));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("years in the store: 2025"), std::string::npos) << r.err;
    if (GetParam() == "gpkg") {  // a shared PostGIS store may hold other tests' cities too
        r = ct::run_citycheck("report --store " + q(m_store) + " -o " + q(m_tmp / "r.html"));
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find("several cities"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(a), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(b), std::string::npos) << r.err;
    }
    r = ct::run_citycheck("report --store " + q(m_store) + " --city 不存在市 -o " + q(m_tmp / "r.html"));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(a), std::string::npos) << "lists the cities: " << r.err;
    EXPECT_FALSE(fs::exists(m_tmp / "r.html"));
    r = ct::run_citycheck("-q report --store " + q(m_store) + " --city " + q(b) + " -o " + q(m_tmp / "r.html"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportStoreCli, ::testing::Values("gpkg", "postgis"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(ReportStoreCliGpkg, EmptyOrMissingStoreIsAnInputError) {
    ct::TempDir tmp("citycheck-cli-report-store-empty");
    const auto path = (tmp / "empty.gpkg").string();
    citycheck::engine::store::StoreDb::open(path, true, true);  // the schema, no runs
    auto r = ct::run_citycheck("report --store " + q(path) + " -o " + q(tmp / "r.html"));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("no runs"), std::string::npos) << r.err;
    r = ct::run_citycheck("report --store " + q(tmp / "missing.gpkg") + " -o " + q(tmp / "r.html"));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(ct::run_citycheck("report -o " + q(tmp / "r.html")).exit_code, 2) << "neither a folder nor a store";
    EXPECT_FALSE(fs::exists(tmp / "r.html"));
}

TEST(ReportStoreCliGpkg, StoreWrittenBeforeTheNewTablesStillReportsWithNotes) {
    ct::TempDir tmp("citycheck-cli-report-store-old");
    const auto store = tmp / "old.gpkg";
    auto r = ct::run_citycheck("-q run " + q(healthcheck(tmp.path(), "丁市", 2025)) + " --out " + q(tmp / "out") + " --store " + q(store));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    {  // an older store: without the tables added later
        citycheck::spatial::GdalEnvironment::ensure();
        auto ds = citycheck::spatial::open_dataset_update(store.string(), citycheck::spatial::DatasetKind::vector);
        for (const char* name : {"zone_problems", "run_documents", "service_areas"})
            for (int i = 0; i < ds->GetLayerCount(); ++i)
                if (std::string(ds->GetLayer(i)->GetName()) == name) {
                    ASSERT_EQ(ds->DeleteLayer(i), OGRERR_NONE) << name;
                    break;
                }
    }
    r = ct::run_citycheck("-q report --store " + q(store) + " -o " + q(tmp / "r.html") + " --lang en");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto html = ct::read_file(tmp / "r.html");
    EXPECT_NE(html.find("holds no problem list for this run"), std::string::npos);
    EXPECT_NE(html.find("holds no service areas for this indicator"), std::string::npos);
    EXPECT_NE(html.find("The store has no provenance.json for this run"), std::string::npos);
    EXPECT_EQ(indicator_table(html).size(), 4u) << "the values are all there";
    // The next run writes the missing tables again (additively) and the report is complete.
    r = ct::run_citycheck("-q run " + q(healthcheck(tmp.path(), "丁市", 2025)) + " --out " + q(tmp / "out") + " --store " + q(store));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = ct::run_citycheck("-q report --store " + q(store) + " -o " + q(tmp / "r2.html") + " --lang en");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto html2 = ct::read_file(tmp / "r2.html");
    EXPECT_EQ(html2.find("holds no problem list"), std::string::npos);
    EXPECT_NE(html2.find("id=\"sa-shop_coverage\""), std::string::npos);
}

TEST(ReportStoreCliGpkg, ServiceAreasInTheRunOutputsHaveTheCoveredArea) {
    ct::TempDir tmp("citycheck-cli-service-areas");
    auto r = ct::run_citycheck("-q run " + q(healthcheck(tmp.path(), "戊市", 2025)) + " --out " + q(tmp / "out"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto gpkg = tmp / "out" / "service_areas.gpkg";
    ASSERT_TRUE(fs::exists(gpkg));
    const auto [area, covered] = layer_area_and_covered(gpkg, "shop_coverage");
    // The coverage numerators at the finest level (m² of zone area within 200 m of a shop).
    const auto summary = nlohmann::json::parse(ct::read_file(tmp / "out" / "summary.json"));
    double numerator = 0;
    for (const auto& z : summary["levels"].back()["zones"]) numerator += z["values"]["shop_coverage"]["numerator"].get<double>();
    EXPECT_NEAR(covered, numerator, 1e-6 * numerator);
    // 8 discs of 200 m (some clipped by the city edge, none overlapping): ≈ 8 π 200² minus the corner shop's loss.
    EXPECT_GT(numerator, 0.8 * 8 * M_PI * 200 * 200);
    EXPECT_NEAR(area, numerator, 0.01 * numerator) << "polygons simplified at half a cell keep the area within 1 %";
}

// The demo city (every built-in indicator, five coverage indicators) run with --store: the store
// report matches the folder report; one service-area map per coverage indicator.
TEST(ReportStoreCliGpkg, DemoCityStoreReportMatchesTheFolderReport) {
    ct::TempDir tmp("citycheck-cli-report-store-demo");
    const auto dir = tmp / "city";
    auto r = ct::run_citycheck("-q demo " + q(dir) + " --size 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto store = tmp / "store.gpkg";
    r = ct::run_citycheck("-q run " + q(dir / "healthcheck.yaml") + " --keep-going --store " + q(store));
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 5) << r.exit_code << "\n" << r.err;
    r = ct::run_citycheck("-q report " + q(dir / "out") + " -o " + q(tmp / "folder.html"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = ct::run_citycheck("-q report --store " + q(store) + " --year 2025 -o " + q(tmp / "store.html"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto folder = ct::read_file(tmp / "folder.html"), stored = ct::read_file(tmp / "store.html");
    const auto a = indicator_table(folder), b = indicator_table(stored);
    const auto summary = nlohmann::json::parse(ct::read_file(dir / "out" / "summary.json"));
    std::set<std::string> coverage;
    for (const auto& ind : summary["indicators"]) {
        const auto id = ind["id"].get<std::string>();
        ASSERT_TRUE(b.count(id)) << "every indicator is in the store report: " << id;
        EXPECT_EQ(b.at(id).value, a.at(id).value) << id;
        EXPECT_EQ(b.at(id).status, a.at(id).status) << id;
        if (ind["primitive"] == "coverage" && ind["state"] == "ok") coverage.insert(id);
    }
    EXPECT_EQ(b.size(), summary["indicators"].size());
    // A few concrete numbers: the city's values in summary.json, as the CSV writes them (%.10g).
    int checked = 0;
    for (const auto& [id, v] : summary["levels"][0]["zones"][0]["values"].items()) {
        if (!v["value"].is_number() || checked >= 5) continue;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.10g", v["value"].get<double>());
        EXPECT_EQ(b.at(id).value, buf) << id;
        ++checked;
    }
    EXPECT_EQ(checked, 5);
    // One service-area map per coverage indicator, in both reports, each with a drawn area; for
    // zone-area demand the polygons' area is the covered area the indicator reports.
    EXPECT_GE(coverage.size(), 10u);
    const auto provenance = nlohmann::json::parse(ct::read_file(dir / "out" / "provenance.json"));
    std::map<std::string, std::string> demand;
    for (const auto& ind : provenance["indicators"]) demand[ind["id"].get<std::string>()] = ind["params"].value("demand", std::string("zone_area"));
    int area_checked = 0;
    const auto sa = dir / "out" / "service_areas.gpkg";
    for (const auto& id : coverage) {
        for (const auto* html : {&folder, &stored}) {
            const auto at = html->find("id=\"sa-" + id + "\"");
            ASSERT_NE(at, std::string::npos) << id;
            const auto p = html->find("class=\"service-area\"", at);
            ASSERT_NE(p, std::string::npos) << id;
            EXPECT_LT(p, html->find("</svg>", at)) << id;
        }
        const auto [area, covered] = layer_area_and_covered(sa, id);
        double numerator = 0;
        for (const auto& z : summary["levels"].back()["zones"])
            if (z["values"][id]["numerator"].is_number()) numerator += z["values"][id]["numerator"].get<double>();
        EXPECT_NEAR(covered, numerator, 1e-6 * std::max(1.0, numerator)) << id;
        if (demand[id] == "zone_area") {
            EXPECT_NEAR(area, numerator, 0.01 * numerator + 1) << id;
            ++area_checked;
        }
    }
    EXPECT_GE(area_checked, 5);
    for (const auto* html : {&folder, &stored})
        EXPECT_EQ(count(*html, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"sa-"), coverage.size()) << "one map per coverage indicator";
    EXPECT_LT(fs::file_size(tmp / "store.html"), 20u << 20);
}
