#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "test_support.hpp"

using citycheck::test::run_citycheck;
using citycheck::test::TempDir;

TEST(CliDemo, WritesTheCityAndListsItsFiles) {
    TempDir t("citycheck-cli-demo");
    const auto dir = t.path() / "city";
    auto r = run_citycheck("-q demo '" + dir.string() + "' --size 2 --seed 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        EXPECT_TRUE(std::filesystem::exists(line)) << line;
        ++n;
    }
    EXPECT_EQ(n, 16);  // 14 datasets, demo-city.json, healthcheck.yaml
    for (const char* f : {"zones.gpkg", "landuse.gpkg", "dltb_gbk.shp", "roads.gpkg", "image.tif", "demo-city.json"})
        EXPECT_NE(r.out.find(f), std::string::npos) << f;
    EXPECT_FALSE(std::filesystem::exists(dir / "dltb_gbk.cpg"));

    auto info = run_citycheck("info '" + (dir / "dltb_gbk.shp").string() + "'");
    EXPECT_EQ(info.exit_code, 0) << info.err;
    EXPECT_NE(info.out.find("CP936"), std::string::npos) << info.out;
}

TEST(CliDemo, UnwritableTargetIsOutputError) {
    TempDir t("citycheck-cli-demo-bad");
    const auto file = t.path() / "file";
    citycheck::test::run_command("touch '" + file.string() + "'");
    auto r = run_citycheck("-q demo '" + (file / "city").string() + "' --size 2");
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find(file.string()), std::string::npos) << r.err;
}

TEST(CliDemo, TooSmallSizeIsUsageError) {
    TempDir t("citycheck-cli-demo-small");
    auto r = run_citycheck("-q demo '" + t.path().string() + "' --size 1");
    EXPECT_EQ(r.exit_code, 2) << r.err;
}
