#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <gdal_priv.h>
#include <tbb/global_control.h>

#include <citycheck/core/error.hpp>
#include <citycheck/raster/population.hpp>
#include <citycheck/raster/population_stats.hpp>
#include <citycheck/spatial/gdal.hpp>

#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::raster;
using spatial::Box;
using spatial::Crs;

namespace {
const Crs& gk() {
    static const Crs crs = Crs::from_epsg(4547);  // CGCS2000 GK CM 114°E
    return crs;
}

std::vector<unsigned char> wkb(const std::string& wkt) {
    spatial::GeosContext ctx;
    return ctx.to_wkb(*ctx.from_wkt(wkt));
}

std::string box_wkt(double x0, double y0, double x1, double y1) {
    return "POLYGON((" + std::to_string(x0) + " " + std::to_string(y0) + "," + std::to_string(x1) + " " +
           std::to_string(y0) + "," + std::to_string(x1) + " " + std::to_string(y1) + "," + std::to_string(x0) + " " +
           std::to_string(y1) + "," + std::to_string(x0) + " " + std::to_string(y0) + "))";
}

double rel(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

double at(const PopulationGrid& g, int row, int col) { return g.values[static_cast<std::size_t>(row) * g.grid.cols() + col]; }
}  // namespace

TEST(PopulationGrid, AlignedToRoundCoordinates) {
    const Grid g = aligned_grid({123, 456, 789, 1000}, 100, gk());
    EXPECT_DOUBLE_EQ(g.transform()[0], 100);
    EXPECT_DOUBLE_EQ(g.transform()[3], 1000);
    EXPECT_EQ(g.cols(), 7);
    EXPECT_EQ(g.rows(), 6);
    const Grid exact = aligned_grid({0, 0, 300, 200}, 100, gk());
    EXPECT_EQ(exact.cols(), 3);
    EXPECT_EQ(exact.rows(), 2);
    EXPECT_THROW(aligned_grid({0, 0, 1, 1}, 0, gk()), UsageError);
}

TEST(PopulationGrid, CellAreasOfASquareAreExact) {
    spatial::GeosContext ctx;
    const Grid g = aligned_grid({0, 0, 300, 300}, 100, gk());
    const auto poly = ctx.from_wkt(box_wkt(50, 50, 250, 250));
    const auto areas = polygon_cell_areas(ctx, *poly, g);
    ASSERT_EQ(areas.size(), 9u);
    EXPECT_EQ(areas[0].cell, 0);
    EXPECT_NEAR(areas[0].area, 2500, 1e-9);   // corner
    EXPECT_NEAR(areas[1].area, 5000, 1e-9);   // edge
    EXPECT_NEAR(areas[4].area, 10000, 1e-9);  // centre
}

TEST(PopulationGrid, ExactCoverageAgreesWithGeosIntersection) {
    spatial::GeosContext ctx;
    const Grid g({1000.3, 37.5, 0, 2000.9, 0, -37.5}, 40, 40, gk());
    const auto poly = ctx.from_wkt(
        "POLYGON((1100 1100, 2400 1180, 2300 1900, 1700 1500, 1200 1950, 1100 1100),"
        "(1500 1300, 1800 1300, 1650 1420, 1500 1300))");
    const auto a = polygon_cell_areas(ctx, *poly, g);
    const auto b = polygon_cell_areas_geos(ctx, *poly, g);
    ASSERT_EQ(a.size(), b.size());
    double sa = 0, sb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].cell, b[i].cell);
        EXPECT_NEAR(a[i].area, b[i].area, 1e-6);
        sa += a[i].area;
        sb += b[i].area;
    }
    EXPECT_NEAR(sa, ctx.area(*poly), 1e-6);
    EXPECT_NEAR(sb, ctx.area(*poly), 1e-6);
}

TEST(PopulationGrid, ArealWeightingConservesMassAndSplitsByArea) {
    const Grid g = aligned_grid({0, 0, 1000, 1000}, 100, gk());
    std::vector<CountPolygon> zones{
        {"square", wkb(box_wkt(50, 50, 250, 250)), 1000},
        {"triangle", wkb("POLYGON((300 300, 977.7 310.3, 512.1 912.9, 300 300))"), 12345.678},
        {"empty-count", wkb(box_wkt(600, 100, 700, 150)), 0},
    };
    const auto pop = grid_areal_weighting(zones, g);
    EXPECT_LT(rel(pop.total(), 1000 + 12345.678), 1e-9);
    EXPECT_NEAR(at(pop, 9, 0), 62.5, 1e-9);   // bottom-left corner cell of the square: 2500/40000
    EXPECT_NEAR(at(pop, 8, 1), 250.0, 1e-9);  // its centre cell
    // A polygon outside the grid cannot be placed.
    std::vector<CountPolygon> far{{"far", wkb(box_wkt(5000, 5000, 5100, 5100)), 10}};
    EXPECT_THROW(grid_areal_weighting(far, g), InputError);
}

TEST(PopulationGrid, ResultsDoNotDependOnThreadCount) {
    const Grid g = aligned_grid({0, 0, 2000, 2000}, 100, gk());
    std::vector<CountPolygon> zones;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0, 1800);
    for (int i = 0; i < 40; ++i) {
        const double x = u(rng), y = u(rng);
        zones.push_back({std::to_string(i), wkb(box_wkt(x, y, x + 137.3, y + 91.7)), 100.0 + i});
    }
    PopulationGrid one, many;
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
        one = grid_areal_weighting(zones, g);
    }
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 4);
        many = grid_areal_weighting(zones, g);
    }
    EXPECT_EQ(one.values, many.values);
}

TEST(PopulationGrid, DasymetricPutsPeopleOnResidentialLandAndFallsBack) {
    const Grid g = aligned_grid({0, 0, 800, 400}, 100, gk());
    std::vector<CountPolygon> zones{
        {"A", wkb(box_wkt(0, 0, 400, 400)), 3000},
        {"B", wkb(box_wkt(400, 0, 800, 400)), 777},  // no residential land
    };
    std::vector<std::vector<unsigned char>> residential{
        wkb(box_wkt(0, 0, 100, 100)),      // 10 000 m² inside A
        wkb(box_wkt(150, 250, 350, 350)),  // 20 000 m² inside A
        wkb(box_wkt(380, 380, 420, 420)),  // straddles A/B: 400 m² in A, 400 m² in B
    };
    DasymetricReport rep;
    const auto pop = grid_dasymetric(zones, residential, g, &rep);
    EXPECT_LT(rel(pop.total(), 3777), 1e-9);
    // B has a sliver of residential land (400 m²) → all of B's people go there, no fallback.
    ASSERT_TRUE(rep.fallback_zones.empty());
    EXPECT_NEAR(rep.residential_area_m2, 10000 + 20000 + 400 + 400, 1e-6);
    // A: 3000 × 10000/30400 in the bottom-left cell (row 3, col 0).
    EXPECT_NEAR(at(pop, 3, 0), 3000.0 * 10000 / 30400, 1e-9);
    // Nobody where there is no residential land.
    EXPECT_EQ(at(pop, 3, 1), 0.0);
    EXPECT_EQ(at(pop, 0, 0), 0.0);
    // B's 777 all sit in its 400 m² sliver: cell row 0, col 4.
    EXPECT_NEAR(at(pop, 0, 4), 777.0, 1e-9);

    // Without any residential land in B it falls back to areal weighting and is reported.
    residential.pop_back();
    const auto pop2 = grid_dasymetric(zones, residential, g, &rep);
    ASSERT_EQ(rep.fallback_zones.size(), 1u);
    EXPECT_EQ(rep.fallback_zones[0], "B");
    EXPECT_LT(rel(pop2.total(), 3777), 1e-9);
    EXPECT_NEAR(at(pop2, 2, 5), 777.0 / 16, 1e-9);
}

TEST(PopulationGrid, PointsSumPerCell) {
    const Grid g = aligned_grid({0, 0, 300, 200}, 100, gk());
    std::vector<ValuePoint> pts{{10, 190, 1}, {20, 180, 2}, {100, 100, 4}, {300, 0, 8}, {500, 500, 16}};
    double outside = 0;
    const auto pop = grid_points(pts, g, &outside);
    EXPECT_EQ(at(pop, 0, 0), 3.0);
    EXPECT_EQ(at(pop, 1, 1), 4.0);  // on a shared corner: the cell right/below
    EXPECT_EQ(at(pop, 1, 2), 8.0);  // on the far corner: the last cell
    EXPECT_EQ(outside, 16.0);
    EXPECT_EQ(pop.total() + outside, 31.0);
}

TEST(PopulationGrid, HeatCalibrationFactors) {
    const Grid g = aligned_grid({0, 0, 600, 200}, 100, gk());
    std::vector<CountPolygon> census{
        {"A", wkb(box_wkt(0, 0, 200, 200)), 1000},
        {"B", wkb(box_wkt(200, 0, 400, 200)), 500},
        {"C", wkb(box_wkt(400, 0, 600, 200)), 200},  // no heat at all
    };
    std::vector<ValuePoint> heat{
        {50, 50, 1}, {150, 150, 1}, {120, 30, 2},  // A: heat 4
        {250, 50, 10},                             // B: heat 10
        {900, 900, 99},                            // outside every zone
    };
    Calibration cal;
    const auto pop = grid_calibrated_points(heat, census, g, &cal);
    ASSERT_EQ(cal.rows.size(), 3u);
    EXPECT_DOUBLE_EQ(cal.rows[0].factor, 250.0);
    EXPECT_EQ(cal.rows[0].points, 3u);
    EXPECT_DOUBLE_EQ(cal.rows[1].factor, 50.0);
    EXPECT_DOUBLE_EQ(cal.rows[1].heat, 10.0);
    EXPECT_TRUE(cal.rows[2].areal_fallback);
    EXPECT_EQ(cal.rows[2].factor, 0.0);
    EXPECT_EQ(cal.points_outside, 1u);
    EXPECT_EQ(cal.heat_outside, 99.0);
    EXPECT_LT(rel(pop.total(), 1700), 1e-9);
    EXPECT_DOUBLE_EQ(at(pop, 1, 0), 250.0);  // (50,50)
    EXPECT_DOUBLE_EQ(at(pop, 1, 1), 500.0);  // (120,30) weight 2
    EXPECT_DOUBLE_EQ(at(pop, 1, 2), 500.0);  // B's single point
    EXPECT_DOUBLE_EQ(at(pop, 0, 5), 50.0);   // C spread evenly over its 4 cells
}

TEST(PopulationGrid, ResampleSumPreservesMass) {
    // A 30 m grid with an odd origin onto a 100 m grid that contains it.
    Grid src({1003.7, 30, 0, 2017.1, 0, -30}, 17, 13, gk());
    PopulationGrid s(src);
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(0, 50);
    for (auto& v : s.values) v = u(rng);
    const Grid target = aligned_grid(src.extent(), 100, gk());
    double outside = 1;
    const auto t = resample_sum(s, target, &outside);
    EXPECT_LT(rel(t.total(), s.total()), 1e-9);
    EXPECT_LT(std::abs(outside), 1e-9 * s.total());
    // Coarsening 50 m → 100 m: each coarse cell holds exactly its four fine cells.
    Grid fine({0, 50, 0, 200, 0, -50}, 4, 4, gk());
    PopulationGrid f(fine);
    for (std::size_t i = 0; i < f.values.size(); ++i) f.values[i] = static_cast<double>(i);
    const auto coarse = resample_sum(f, aligned_grid(fine.extent(), 100, gk()));
    EXPECT_DOUBLE_EQ(at(coarse, 0, 0), 0 + 1 + 4 + 5);
    EXPECT_DOUBLE_EQ(at(coarse, 1, 1), 10 + 11 + 14 + 15);
}

namespace {
void write_raster(const std::string& path, const Crs& crs, const std::array<double, 6>& gt, int cols, int rows,
                  const std::vector<double>& values, double nodata) {
    spatial::GdalEnvironment::ensure();
    auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), cols, rows, 1, GDT_Float64, nullptr));
    auto g = gt;
    ds->SetGeoTransform(g.data());
    ds->SetProjection(crs.to_wkt().c_str());
    ds->GetRasterBand(1)->SetNoDataValue(nodata);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, cols, rows, const_cast<double*>(values.data()), cols,
                                             rows, GDT_Float64, 0, 0),
              CE_None);
}
}  // namespace

TEST(PopulationGrid, FromRasterInAnotherCrsPreservesTotal) {
    test::TempDir dir;
    const auto path = (dir / "worldpop.tif").string();
    // A WorldPop-like 3 arc-second raster near Wuhan (114.3°E, 30.6°N), in EPSG:4326.
    const int cols = 24, rows = 20;
    std::vector<double> v(static_cast<std::size_t>(cols) * rows);
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(0, 80);
    double expected = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        v[i] = (i % 17 == 0) ? -9999 : u(rng);
        if (v[i] != -9999) expected += v[i];
    }
    const double step = 1.0 / 1200;
    write_raster(path, Crs::from_epsg(4326), {114.3, step, 0, 30.6, 0, -step}, cols, rows, v, -9999);
    const Grid target = aligned_grid(raster_extent_in(path, gk()), 100, gk());
    double source_total = 0;
    const auto pop = grid_from_raster(path, target, &source_total);
    EXPECT_LT(rel(source_total, expected), 1e-12);
    EXPECT_LT(rel(pop.total(), expected), 1e-9);
    // Same CRS path.
    const auto path2 = (dir / "gk.tif").string();
    write_raster(path2, gk(), {500010, 30, 0, 3400020, 0, -30}, cols, rows, v, -9999);
    const auto pop2 = grid_from_raster(path2, aligned_grid(raster_extent_in(path2, gk()), 100, gk()));
    EXPECT_LT(rel(pop2.total(), expected), 1e-9);
}

TEST(PopulationGrid, GeoTiffIsTiledAndRoundTrips) {
    test::TempDir dir;
    PopulationGrid pop(aligned_grid({0, 0, 700, 300}, 100, gk()));
    for (std::size_t i = 0; i < pop.values.size(); ++i) pop.values[i] = 0.5 * static_cast<double>(i);
    const auto path = (dir / "pop.tif").string();
    write_population_geotiff(pop, path);
    auto ds = spatial::open_dataset(path, spatial::DatasetKind::raster);
    const Grid g = Grid::from_dataset(*ds);
    EXPECT_EQ(g.cols(), 7);
    EXPECT_EQ(g.crs().epsg(), 4547);
    int bx = 0, by = 0;
    ds->GetRasterBand(1)->GetBlockSize(&bx, &by);
    EXPECT_EQ(bx, 256);
    std::vector<double> back(pop.values.size());
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 7, 3, back.data(), 7, 3, GDT_Float64, 0, 0), CE_None);
    EXPECT_EQ(back, pop.values);
}

TEST(PopulationStats, DensityThresholdArea) {
    PopulationGrid pop(aligned_grid({0, 0, 300, 100}, 100, gk()));
    pop.values = {200, 100, 160};  // 20 000, 10 000 and 16 000 per km²
    const std::vector<std::vector<unsigned char>> zones{wkb(box_wkt(0, 0, 200, 100)), wkb(box_wkt(150, 0, 300, 100))};
    const auto cells = zone_cell_areas(zones, pop.grid);
    auto r = zone_population(pop, cells);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_NEAR(r[0].population, 300, 1e-9);
    EXPECT_NEAR(r[0].area_km2, 0.02, 1e-12);
    EXPECT_NEAR(r[0].density_per_km2, 15000, 1e-6);
    EXPECT_NEAR(r[0].area_above_threshold_km2, 0.01, 1e-12);  // only the first cell is denser than 15 000
    EXPECT_NEAR(r[1].population, 50 + 160, 1e-9);
    EXPECT_NEAR(r[1].area_above_threshold_km2, 0.01, 1e-12);  // the whole third cell
    // A higher threshold; then construction land making up half of the middle cell.
    DensityOptions o;
    o.threshold_per_km2 = 18000;
    EXPECT_NEAR(zone_population(pop, cells, o)[1].area_above_threshold_km2, 0.0, 1e-12);
    const std::vector<double> share{1.0, 0.5, 1.0};
    o.threshold_per_km2 = 15000;
    o.land_share = share;
    r = zone_population(pop, cells, o);
    EXPECT_NEAR(r[0].area_above_threshold_km2, 0.01 + 0.005, 1e-12);  // middle cell now 20 000 per km² of land
}

TEST(PopulationStats, PopulationWeightedCoverage) {
    PopulationGrid pop(aligned_grid({0, 0, 300, 100}, 100, gk()));
    pop.values = {100, 300, 0};
    const std::vector<double> served{1.0, 0.5, 1.0};
    EXPECT_NEAR(*population_weighted_coverage(pop, served), (100 + 150) / 400.0, 1e-12);
    const std::vector<std::vector<unsigned char>> zones{wkb(box_wkt(50, 0, 150, 100)), wkb(box_wkt(200, 0, 300, 100))};
    const auto cells = zone_cell_areas(zones, pop.grid);
    EXPECT_NEAR(*population_weighted_coverage(pop, served, &cells[0]), (50 + 75) / 200.0, 1e-12);
    EXPECT_FALSE(population_weighted_coverage(pop, served, &cells[1]).has_value());
}
