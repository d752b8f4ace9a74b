// citycheck population on the demo city, whose census, heat points (GCJ-02) and population raster
// agree by construction (docs/demo-city.md).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "test_support.hpp"

using citycheck::test::run_citycheck;

namespace {
// First column → the numeric value of column `col` (0-based) of a simple CSV.
std::map<std::string, double> column(const std::filesystem::path& path, std::size_t col) {
    std::map<std::string, double> out;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) cells.push_back(cell);
        if (cells.size() > col) out[cells[0]] = std::strtod(cells[col].c_str(), nullptr);
    }
    return out;
}

class PopulationDemo : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir = new citycheck::test::TempDir("citycheck-popdemo");
        const auto r = run_citycheck("-q demo '" + dir->path().string() + "' --size 4");
        ASSERT_EQ(r.exit_code, 0) << r.err;
        census = column(dir->path() / "census.csv", 4);
        ASSERT_GT(census.size(), 5u);
    }
    static void TearDownTestSuite() {
        delete dir;
        dir = nullptr;
    }
    static std::string in(const std::string& name) { return "'" + (dir->path() / name).string() + "'"; }
    static inline citycheck::test::TempDir* dir = nullptr;
    static inline std::map<std::string, double> census;
};
}  // namespace

TEST_F(PopulationDemo, Gcj02HeatCalibratedToTheCensusGivesFactorsOfOne) {
    const auto r = run_citycheck("population --points " + in("heat.csv") + " --value value --coords gcj02 --calibrate-to " +
                                 in("zones.gpkg") + " --census-layer community --count-field population --census-id code" +
                                 " --calibration-out " + in("factors.csv") + " --zones " + in("zones.gpkg") +
                                 " --zones-layer community --id code -o " + in("heat.csv.out.csv"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Heat value = block residents, so every community's heat already equals its census count.
    const auto factors = column(dir->path() / "factors.csv", 4);
    ASSERT_EQ(factors.size(), census.size());
    for (const auto& [code, f] : factors) EXPECT_NEAR(f, 1.0, 1e-12) << code;
    const auto pop = column(dir->path() / "heat.csv.out.csv", 1);
    for (const auto& [code, n] : census) EXPECT_NEAR(pop.at(code), n, 1e-3) << code;
}

TEST_F(PopulationDemo, Gcj02HeatWithoutConversionLandsInTheWrongCommunities) {
    const auto ok = run_citycheck("population --points " + in("heat.csv") + " --value value --coords gcj02 --zones " +
                                  in("zones.gpkg") + " --zones-layer community --id code -o " + in("gcj.csv"));
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    const auto wrong = run_citycheck("population --points " + in("heat.csv") + " --value value --zones " +
                                     in("zones.gpkg") + " --zones-layer community --id code -o " + in("raw.csv"));
    ASSERT_EQ(wrong.exit_code, 0) << wrong.err;
    const auto good = column(dir->path() / "gcj.csv", 1), bad = column(dir->path() / "raw.csv", 1);
    int mismatched = 0;
    for (const auto& [code, n] : census) {
        EXPECT_NEAR(good.at(code), n, 1e-3) << code;
        if (std::abs(bad.at(code) - n) > 0.5) ++mismatched;
    }
    EXPECT_GT(mismatched, 0);
}

TEST_F(PopulationDemo, RasterAndDasymetricAgreeWithTheCensus) {
    const auto r = run_citycheck("population --raster " + in("population.tif") + " --zones " + in("zones.gpkg") +
                                 " --zones-layer community --id code -o " + in("r.csv"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto pop = column(dir->path() / "r.csv", 1);
    for (const auto& [code, n] : census) EXPECT_NEAR(pop.at(code), n, 1e-3) << code;
    // Streamed in small windows on one thread: byte-identical table.
    const auto r1 = run_citycheck("--threads 1 population --raster " + in("population.tif") + " --window-cells 1024 --zones " +
                                  in("zones.gpkg") + " --zones-layer community --id code -o " + in("r1.csv"));
    ASSERT_EQ(r1.exit_code, 0) << r1.err;
    EXPECT_EQ(citycheck::test::read_file(dir->path() / "r1.csv"), citycheck::test::read_file(dir->path() / "r.csv"));

    // Communities' counts put on residential parcels, summarised per sub-district.
    const auto d = run_citycheck("population --census " + in("zones.gpkg") + " --census-layer community --count-field population" +
                                 " --landuse " + in("landuse.gpkg") + " --zones " + in("zones.gpkg") +
                                 " --zones-layer subdistrict --id code -o " + in("d.csv"));
    ASSERT_EQ(d.exit_code, 0) << d.err;
    std::map<std::string, double> by_subdistrict;
    std::ifstream cin_(dir->path() / "census.csv");
    std::string line;
    std::getline(cin_, line);
    while (std::getline(cin_, line)) {
        std::vector<std::string> c;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) c.push_back(cell);
        by_subdistrict[c[2]] += std::strtod(c[4].c_str(), nullptr);
    }
    const auto sub = column(dir->path() / "d.csv", 1);
    ASSERT_EQ(sub.size(), by_subdistrict.size());
    for (const auto& [code, n] : by_subdistrict) EXPECT_NEAR(sub.at(code), n, 1e-3) << code;
}
