// Gridded population streamed block by block, and heat points assigned in parallel: totals kept
// to 1e-9 relative and results bit-identical for any window budget and thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include <gdal_priv.h>
#include <tbb/global_control.h>

#include <citycheck/raster/population.hpp>
#include <citycheck/spatial/gdal.hpp>

#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::raster;
using spatial::Crs;

namespace {
const Crs& gk() {
    static const Crs crs = Crs::from_epsg(4547);
    return crs;
}

double rel(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

// A tiled (32×32 blocks) Float32 raster with nodata holes; returns the exact sum of valid cells.
double write_tiled(const std::string& path, const Crs& crs, const std::array<double, 6>& gt, int cols, int rows,
                   unsigned seed) {
    spatial::GdalEnvironment::ensure();
    CPLStringList opts;
    opts.SetNameValue("TILED", "YES");
    opts.SetNameValue("BLOCKXSIZE", "32");
    opts.SetNameValue("BLOCKYSIZE", "32");
    GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), cols, rows, 1, GDT_Float32,
                                                                                    opts.List()));
    auto g = gt;
    ds->SetGeoTransform(g.data());
    ds->SetProjection(crs.to_wkt().c_str());
    ds->GetRasterBand(1)->SetNoDataValue(-1);
    std::vector<float> v(static_cast<std::size_t>(cols) * rows);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0, 150);
    long double total = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        v[i] = (i % 23 == 5) ? -1.0f : u(rng);
        if (v[i] >= 0) total += v[i];
    }
    EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, cols, rows, v.data(), cols, rows, GDT_Float32, 0, 0), CE_None);
    return static_cast<double>(total);
}

PopulationGrid with_threads(int threads, const std::function<PopulationGrid()>& f) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    return f();
}
}  // namespace

TEST(PopulationStream, SameCrsIdenticalForAnyWindowBudgetAndThreadCount) {
    test::TempDir dir;
    const auto path = (dir / "pop30m.tif").string();
    // 30 m cells at an offset that does not divide the 100 m target: every target cell gets shares.
    const double expected = write_tiled(path, gk(), {500013, 30, 0, 3400007, 0, -30}, 150, 110, 3);
    const Grid target = aligned_grid(raster_extent_in(path, gk()), 100, gk());
    double t_ref = 0;
    const auto ref = with_threads(1, [&] { return grid_from_raster(path, target, &t_ref, 32 * 32); });
    EXPECT_LT(rel(t_ref, expected), 1e-12);
    EXPECT_LT(rel(ref.total(), expected), 1e-9);
    for (const long long budget : {32LL * 32, 64LL * 96, 100000LL, DEFAULT_MAX_CELLS})
        for (const int threads : {1, 2, 4}) {
            double t = 0;
            const auto got = with_threads(threads, [&] { return grid_from_raster(path, target, &t, budget); });
            EXPECT_EQ(got.values, ref.values) << "budget " << budget << ", threads " << threads;
            EXPECT_EQ(t, t_ref);
        }
}

TEST(PopulationStream, OtherCrsIdenticalForAnyWindowBudgetAndThreadCount) {
    test::TempDir dir;
    const auto path = (dir / "pop_ll.tif").string();
    const double step = 1.0 / 1200;  // WorldPop-like 3″ cells near Wuhan
    const double expected = write_tiled(path, Crs::from_epsg(4326), {114.3, step, 0, 30.6, 0, -step}, 70, 45, 5);
    const Grid target = aligned_grid(raster_extent_in(path, gk()), 100, gk());
    double t_ref = 0;
    const auto ref = with_threads(1, [&] { return grid_from_raster(path, target, &t_ref, 32 * 32); });
    EXPECT_LT(rel(ref.total(), expected), 1e-9);
    for (const long long budget : {32LL * 64, DEFAULT_MAX_CELLS})
        for (const int threads : {2, 4}) {
            const auto got = with_threads(threads, [&] { return grid_from_raster(path, target, nullptr, budget); });
            EXPECT_EQ(got.values, ref.values) << "budget " << budget << ", threads " << threads;
        }
}

TEST(PopulationStream, ReadsOnlyTheCellsNearTheTarget) {
    test::TempDir dir;
    const auto path = (dir / "big.tif").string();
    // Uniform 1 person per 10 m cell over 1 km²; a 200 m × 200 m target in the middle gets 400.
    spatial::GdalEnvironment::ensure();
    GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), 100, 100, 1, GDT_Float64, nullptr));
    std::array<double, 6> gt{500000, 10, 0, 3400000, 0, -10};
    ds->SetGeoTransform(gt.data());
    ds->SetProjection(gk().to_wkt().c_str());
    std::vector<double> ones(100 * 100, 1.0);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 100, 100, ones.data(), 100, 100, GDT_Float64, 0, 0), CE_None);
    ds.reset();
    const Grid target = aligned_grid({500400, 3399600, 500600, 3399400 + 400}, 100, gk());
    ASSERT_EQ(target.cols(), 2);
    ASSERT_EQ(target.rows(), 2);
    double read = 0;
    const auto pop = grid_from_raster(path, target, &read, 16 * 16);
    for (double v : pop.values) EXPECT_DOUBLE_EQ(v, 100.0);
    EXPECT_LT(read, 10000.0);  // not the whole raster
}

TEST(PopulationStream, HeatCalibrationIsBitIdenticalForAnyThreadCount) {
    // Three census squares sharing edges, 30,000 heat points, some on the shared edges and some
    // outside every zone: factors, counts and the grid must not depend on the thread count.
    spatial::GeosContext ctx;
    auto sq = [&](double x0, double y0, double x1, double y1) {
        return ctx.to_wkb(*ctx.from_wkt("POLYGON((" + std::to_string(x0) + " " + std::to_string(y0) + "," + std::to_string(x1) +
                                        " " + std::to_string(y0) + "," + std::to_string(x1) + " " + std::to_string(y1) + "," +
                                        std::to_string(x0) + " " + std::to_string(y1) + "," + std::to_string(x0) + " " +
                                        std::to_string(y0) + "))"));
    };
    const std::vector<CountPolygon> census{{"a", sq(0, 0, 1000, 1000), 12345},
                                           {"b", sq(1000, 0, 2000, 1000), 6789},
                                           {"c", sq(0, 1000, 2000, 1500), 2500}};
    std::vector<ValuePoint> heat;
    std::mt19937 rng(9);
    std::uniform_real_distribution<double> ux(-100, 2100), uy(-100, 1600), uv(0.1, 9.9);
    for (int i = 0; i < 30000; ++i) {
        double x = ux(rng), y = uy(rng);
        if (i % 50 == 0) x = 1000;  // on the edge shared by a and b: goes to a (first in input order)
        heat.push_back({x, y, uv(rng)});
    }
    const Grid g = aligned_grid({-100, -100, 2100, 1600}, 50, gk());
    Calibration c1, c4;
    const auto one = with_threads(1, [&] { return grid_calibrated_points(heat, census, g, &c1); });
    const auto four = with_threads(4, [&] { return grid_calibrated_points(heat, census, g, &c4); });
    EXPECT_EQ(one.values, four.values);
    ASSERT_EQ(c1.rows.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(c1.rows[i].factor, c4.rows[i].factor);
        EXPECT_EQ(c1.rows[i].points, c4.rows[i].points);
        EXPECT_GT(c1.rows[i].points, 0u);
    }
    EXPECT_EQ(c1.points_outside, c4.points_outside);
    EXPECT_GT(c1.points_outside, 0u);
    EXPECT_LT(rel(one.total(), 12345.0 + 6789 + 2500), 1e-9);
    // Points exactly on x = 1000 with 0 ≤ y ≤ 1000 belong to zone a, the first in input order.
    std::size_t in_a = 0;
    for (const auto& p : heat)
        if (p.x >= 0 && p.x <= 1000 && p.y >= 0 && p.y <= 1000) ++in_a;
    EXPECT_EQ(c1.rows[0].points, in_a);
    // Points through grid_points: also thread-invariant.
    const auto p1 = with_threads(1, [&] { return grid_points(heat, g); });
    const auto p4 = with_threads(4, [&] { return grid_points(heat, g); });
    EXPECT_EQ(p1.values, p4.values);
}
