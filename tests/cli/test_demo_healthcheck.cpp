// `citycheck demo DIR && citycheck run DIR/healthcheck.yaml --keep-going` end to end: the demo's
// own health-check file runs, and the 25 % green community comes out of the results.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace ct = citycheck::test;
namespace fs = std::filesystem;

TEST(CliDemoHealthCheck, DemoThenRunGivesTheKnownGreenCoverage) {
    ct::TempDir tmp("citycheck-cli-demo-run");
    const auto dir = tmp.path() / "city";
    auto r = ct::run_citycheck("-q demo '" + dir.string() + "' --size 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("healthcheck.yaml"), std::string::npos) << r.out;
    r = ct::run_citycheck("-q run '" + (dir / "healthcheck.yaml").string() + "' --keep-going");
    // 5 while some primitive of the file is not in this build yet; 0 once all are
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 5) << r.exit_code << "\n" << r.err;
    const auto manifest = nlohmann::json::parse(ct::read_file(dir / "demo-city.json"));
    const std::string code = manifest["known_answers"]["green_coverage_community"]["code"].get<std::string>();
    const auto summary = nlohmann::json::parse(ct::read_file(dir / "out" / "summary.json"));
    bool found = false;
    for (const auto& z : summary["levels"].back()["zones"]) {
        if (z["zone_id"] != code) continue;
        found = true;
        EXPECT_NEAR(z["values"]["green_coverage"]["value"].get<double>(), 25.0, 1e-6) << z.dump();
    }
    EXPECT_TRUE(found) << code;
    // the same value in the community CSV, in the green_coverage column
    const auto csv = ct::read_file(dir / "out" / "results_community.csv");
    std::istringstream lines(csv);
    std::string header, line;
    std::getline(lines, header);
    std::size_t col = 0;
    {
        std::istringstream h(header);
        std::string name;
        while (std::getline(h, name, ',') && name != "green_coverage") ++col;
    }
    bool row = false;
    while (std::getline(lines, line)) {
        if (line.rfind(code + ",", 0) != 0) continue;
        std::istringstream l(line);
        std::string cell;
        for (std::size_t i = 0; i <= col; ++i) std::getline(l, cell, ',');
        EXPECT_NEAR(std::stod(cell), 25.0, 1e-6) << line;
        row = true;
    }
    EXPECT_TRUE(row) << csv.substr(0, 300);
}
