// End to end through the citycheck binary: list, validate, run (keep-going, no partial outputs, BOM).
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "../engine/synthetic_city.hpp"
#include "test_support.hpp"

namespace ct = citycheck::test;
namespace fs = std::filesystem;

namespace {
std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

const std::string STUB = R"(  - id: shop_coverage
    name: {zh: 商店覆盖率, en: Shop coverage}
    unit: km2
    primitive: share_above
    params: {population: population, threshold_per_km2: 15000, classes: {regex: "("}}
)";  // fails at compute time with a UsageError (an invalid regex), whatever primitives are wired
}  // namespace

TEST(CliPipelineTest, ListJsonParsesAndMarkdownSplitWritesPages) {
    const auto r = ct::run_citycheck("list --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_GE(j["indicators"].size(), 30u);
    EXPECT_EQ(j["primitives"].size(), 8u);
    const auto md = ct::run_citycheck("list --markdown");
    ASSERT_EQ(md.exit_code, 0);
    EXPECT_NE(md.out.find("| [`green_coverage`](green_coverage.md) | 城市绿化覆盖率"), std::string::npos);
    ct::TempDir tmp;
    const auto split = ct::run_citycheck("list --markdown --split " + q(tmp / "docs"));
    ASSERT_EQ(split.exit_code, 0) << split.err;
    EXPECT_TRUE(fs::exists(tmp / "docs" / "README.md"));
    EXPECT_TRUE(fs::exists(tmp / "docs" / "park_service_coverage.md"));
    EXPECT_NE(ct::read_file(tmp / "docs" / "park_service_coverage.md").find("GB 55014-2021"), std::string::npos);
    EXPECT_EQ(ct::run_citycheck("list --json --markdown").exit_code, 2);
}

TEST(CliPipelineTest, ValidateGoodAndBadFiles) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    std::ofstream(tmp / "good.yaml") << ct::synthetic_healthcheck();
    auto r = ct::run_citycheck("validate " + q(tmp / "good.yaml"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("ok: 3 indicators"), std::string::npos) << r.out;

    std::string bad = ct::synthetic_healthcheck("  - id: oops\n    primitive: point_density\n    params: {points: shops, reach_m: 3}\n");
    bad += "outputz: {dir: x}\n";
    std::ofstream(tmp / "bad.yaml") << bad;
    r = ct::run_citycheck("validate " + q(tmp / "bad.yaml"));
    EXPECT_EQ(r.exit_code, 2);
    for (const char* path : {"indicators[3].name: required key is missing", "indicators[3].unit: required key is missing",
                             "indicators[3].params.reach_m: unknown key", "outputz: unknown key 'outputz'; did you mean 'outputs'?"})
        EXPECT_NE(r.err.find(path), std::string::npos) << path << "\n" << r.err;
    EXPECT_EQ(ct::run_citycheck("run " + q(tmp / "bad.yaml")).exit_code, 2);
}

TEST(CliPipelineTest, RunEndToEndOnASyntheticCity) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    std::ofstream(tmp / "healthcheck.yaml") << ct::synthetic_healthcheck();
    const auto r = ct::run_citycheck("-q run " + q(tmp / "healthcheck.yaml") + " --out " + q(tmp / "results") + " --csv-bom");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("results_district.csv"), std::string::npos);
    const auto csv = ct::read_file(tmp / "results" / "results_district.csv");
    EXPECT_EQ(csv.rfind("\xEF\xBB\xBFzone_id,", 0), 0u);
    EXPECT_NE(csv.find("D1,一区,C,区,4.5,18,4000000,达标,100,优,1,4,4000000,未达标,"), std::string::npos) << csv;
    const auto summary = nlohmann::json::parse(ct::read_file(tmp / "results" / "summary.json"));
    EXPECT_NEAR(summary["levels"][0]["zones"][0]["values"]["shops_per_waterlogging_point"]["value"].get<double>(), 1.0 / 4.25, 1e-12);
}

TEST(CliPipelineTest, KeepGoingExitsFiveAndWithoutItNothingIsWritten) {
    ct::TempDir tmp;
    ct::write_synthetic_city(tmp.path());
    std::ofstream(tmp / "healthcheck.yaml") << ct::synthetic_healthcheck(STUB);
    auto r = ct::run_citycheck("-q run " + q(tmp / "healthcheck.yaml"));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("invalid classes regex"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "out"));
    r = ct::run_citycheck("-q run " + q(tmp / "healthcheck.yaml") + " --keep-going");
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_TRUE(fs::exists(tmp / "out" / "provenance.json"));
    const auto prov = nlohmann::json::parse(ct::read_file(tmp / "out" / "provenance.json"));
    EXPECT_EQ(prov["failed_indicators"], 1);
}
