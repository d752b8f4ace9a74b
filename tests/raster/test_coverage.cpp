// Exact coverage fractions: area conservation on analytic shapes, per-cell agreement with GEOS
// intersection areas, and the center rule against GDAL's rasterizer as an independent oracle.
#include <citycheck/raster/coverage.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>

#include <cmath>
#include <string>

using namespace citycheck;
using namespace citycheck::raster;

namespace {

// 10 m cells over a projected-looking origin, so that coordinates have realistic magnitudes.
Grid metric_grid(int cols = 20, int rows = 20, double cell = 10.0) {
    return Grid({500000.0, cell, 0.0, 3000000.0, 0.0, -cell}, cols, rows, spatial::Crs());
}

double covered_area(const Grid& g, const Coverage& c) { return c.sum() * g.cell_width() * g.cell_height(); }

void expect_area(const Grid& g, const spatial::GeosContext& ctx, const std::string& wkt) {
    const auto geom = ctx.from_wkt(wkt);
    const auto cov = compute_coverage(g, *geom, ctx);
    const double area = ctx.area(*geom);
    EXPECT_NEAR(covered_area(g, cov), area, area * 1e-9) << wkt;
    for (double v : cov.fractions) {
        EXPECT_GE(v, 0.0);
        EXPECT_LE(v, 1.0);
    }
}

// Every cell's fraction equals area(geom ∩ cell) / cell area computed by GEOS.
void expect_cells_match_geos(const Grid& g, const spatial::GeosContext& ctx, const std::string& wkt) {
    const auto geom = ctx.from_wkt(wkt);
    const auto cov = compute_coverage(g, *geom, ctx);
    const double cell_area = g.cell_width() * g.cell_height();
    for (int r = 0; r < g.rows(); ++r)
        for (int c = 0; c < g.cols(); ++c) {
            const spatial::Box cell{g.x_of_col(c), g.y_of_row(r + 1), g.x_of_col(c + 1), g.y_of_row(r)};
            const auto box = ctx.make_box(cell);
            const double expected = ctx.area(*ctx.intersection(*geom, *box)) / cell_area;
            ASSERT_NEAR(cov.at(c, r), expected, 1e-9) << wkt << " cell " << c << "," << r;
        }
}

}  // namespace

TEST(Coverage, SquareOffsetByHalfACell) {
    spatial::GeosContext ctx;
    const auto g = metric_grid();
    const auto geom = ctx.from_wkt("POLYGON((500005 2999995, 500025 2999995, 500025 2999975, 500005 2999975, 500005 2999995))");
    const auto cov = compute_coverage(g, *geom, ctx);
    EXPECT_EQ(cov.window, (Window{0, 0, 3, 3}));
    const double expected[3][3] = {{0.25, 0.5, 0.25}, {0.5, 1.0, 0.5}, {0.25, 0.5, 0.25}};
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) EXPECT_NEAR(cov.at(c, r), expected[r][c], 1e-12) << c << "," << r;
    EXPECT_NEAR(covered_area(g, cov), 400.0, 400.0 * 1e-9);
}

TEST(Coverage, AreaConservedForAnalyticShapes) {
    spatial::GeosContext ctx;
    const auto g = metric_grid();
    // triangle
    expect_area(g, ctx, "POLYGON((500003 2999997, 500147 2999951, 500061 2999833, 500003 2999997))");
    // polygon with a hole (clockwise exterior, to check orientation handling)
    expect_area(g, ctx,
                "POLYGON((500012 2999988, 500012 2999812, 500188 2999812, 500188 2999988, 500012 2999988),"
                "(500050 2999950, 500150 2999950, 500150 2999850, 500050 2999850, 500050 2999950))");
    // smaller than one cell
    expect_area(g, ctx, "POLYGON((500041 2999958, 500044 2999958, 500043 2999955, 500041 2999958))");
    // multipolygon
    expect_area(g, ctx,
                "MULTIPOLYGON(((500001 2999999, 500031 2999999, 500031 2999969, 500001 2999999)),"
                "((500100 2999900, 500190 2999900, 500190 2999810, 500100 2999810, 500100 2999900)))");
    // sliver
    expect_area(g, ctx, "POLYGON((500000.5 2999990, 500199.5 2999990.001, 500000.5 2999989.999, 500000.5 2999990))");
    // vertices exactly on cell edges and corners
    expect_area(g, ctx, "POLYGON((500010 2999990, 500050 2999990, 500050 2999950, 500030 2999970, 500010 2999950, 500010 2999990))");
}

TEST(Coverage, CellsMatchGeosIntersection) {
    spatial::GeosContext ctx;
    const auto g = metric_grid(12, 12);
    expect_cells_match_geos(g, ctx, "POLYGON((500003 2999997, 500107 2999951, 500061 2999893, 500003 2999997))");
    expect_cells_match_geos(g, ctx,
                            "POLYGON((500012 2999988, 500012 2999892, 500098 2999892, 500098 2999988, 500012 2999988),"
                            "(500040 2999960, 500070 2999960, 500070 2999930, 500040 2999930, 500040 2999960))");
    expect_cells_match_geos(g, ctx, "POLYGON((500020 2999980, 500060 2999980, 500040 2999940, 500020 2999980))");
}

TEST(Coverage, PolygonPartlyOutsideTheGrid) {
    spatial::GeosContext ctx;
    const auto g = metric_grid(10, 10);  // 500000..500100, 2999900..3000000
    const auto geom = ctx.from_wkt("POLYGON((499950 3000050, 500055 3000050, 500055 2999945, 499950 2999945, 499950 3000050))");
    const auto cov = compute_coverage(g, *geom, ctx);
    EXPECT_EQ(cov.window, (Window{0, 0, 6, 6}));
    // inside the grid: x 500000..500055, y 2999945..3000000 → 55 × 55
    EXPECT_NEAR(covered_area(g, cov), 55.0 * 55.0, 1e-6);
    EXPECT_NEAR(cov.at(5, 5), 0.25, 1e-12);
    EXPECT_NEAR(cov.at(0, 0), 1.0, 1e-12);

    const auto outside = ctx.from_wkt("POLYGON((400000 3000050, 400055 3000050, 400055 2999945, 400000 3000050))");
    EXPECT_TRUE(compute_coverage(g, *outside, ctx).empty());
}

TEST(Coverage, ClipWindowComputesTheSameCells) {
    spatial::GeosContext ctx;
    const auto g = metric_grid(20, 20);
    const auto geom = ctx.from_wkt("POLYGON((500003 2999997, 500147 2999951, 500061 2999833, 500003 2999997))");
    const auto full = compute_coverage(g, *geom, ctx);
    const Window clip{5, 4, 7, 6};
    const auto part = compute_coverage(g, *geom, ctx, CoverageMode::fractional, clip);
    EXPECT_EQ(part.window, clip);
    for (int r = clip.row_off; r < clip.row_off + clip.rows; ++r)
        for (int c = clip.col_off; c < clip.col_off + clip.cols; ++c) EXPECT_NEAR(part.at(c, r), full.at(c, r), 1e-12);
}

TEST(Coverage, AllTouchedMarksBoundaryAndInteriorCells) {
    spatial::GeosContext ctx;
    const auto g = metric_grid(10, 10);
    // x 500006..500034 touches columns 0..3 and holds the centres of columns 1..2 (same for rows)
    const auto geom = ctx.from_wkt("POLYGON((500006 2999994, 500034 2999994, 500034 2999966, 500006 2999966, 500006 2999994))");
    const auto cov = compute_coverage(g, *geom, ctx, CoverageMode::all_touched);
    EXPECT_DOUBLE_EQ(cov.sum(), 16.0);
    const auto ctr = compute_coverage(g, *geom, ctx, CoverageMode::center);
    EXPECT_DOUBLE_EQ(ctr.sum(), 4.0);
    EXPECT_DOUBLE_EQ(ctr.at(0, 0), 0.0);
    EXPECT_DOUBLE_EQ(ctr.at(2, 2), 1.0);
}

namespace {

// GDAL's rasterizer on a MEM dataset: an oracle independent of our scanline.
std::vector<unsigned char> gdal_rasterize(const Grid& g, const std::string& wkt, bool all_touched) {
    spatial::GdalEnvironment::ensure();
    auto* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", g.cols(), g.rows(), 1, GDT_Byte, nullptr));
    auto gt = g.transform();
    ds->SetGeoTransform(gt.data());
    OGRGeometry* geom = nullptr;
    OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &geom);
    int band = 1;
    double burn = 1;
    char** opts = nullptr;
    if (all_touched) opts = CSLSetNameValue(opts, "ALL_TOUCHED", "TRUE");
    OGRGeometryH h = OGRGeometry::ToHandle(geom);
    GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band, 1, &h, nullptr, nullptr, &burn, opts, nullptr, nullptr);
    CSLDestroy(opts);
    OGRGeometryFactory::destroyGeometry(geom);
    std::vector<unsigned char> out(static_cast<std::size_t>(g.cols()) * g.rows());
    EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, g.cols(), g.rows(), out.data(), g.cols(), g.rows(), GDT_Byte, 0, 0,
                                             nullptr),
              CE_None);
    return out;
}

void expect_matches_oracle(const Grid& g, const spatial::GeosContext& ctx, const std::string& wkt, CoverageMode mode) {
    const auto oracle = gdal_rasterize(g, wkt, mode == CoverageMode::all_touched);
    const auto cov = compute_coverage(g, *ctx.from_wkt(wkt), ctx, mode);
    int mismatches = 0;
    for (int r = 0; r < g.rows(); ++r)
        for (int c = 0; c < g.cols(); ++c) {
            const bool ours = cov.at(c, r) > 0.5;
            const bool theirs = oracle[static_cast<std::size_t>(r) * g.cols() + c] != 0;
            if (ours != theirs) {
                ++mismatches;
                ADD_FAILURE() << to_string(mode) << " " << wkt << " differs at cell " << c << "," << r << " ours " << ours;
            }
        }
    EXPECT_EQ(mismatches, 0);
}

}  // namespace

TEST(Coverage, CenterModeMatchesGdalRasterize) {
    spatial::GeosContext ctx;
    const auto g = metric_grid(40, 40);
    // Coordinates avoid edges passing exactly through cell centres: there the outcome is a tie
    // decided by rounding in either implementation.
    const std::vector<std::string> shapes = {
        "POLYGON((500003 2999997, 500346.3 2999951, 500161 2999633, 500003 2999997))",
        "POLYGON((500012 2999988, 500012 2999612, 500388 2999612, 500388 2999988, 500012 2999988),"
        "(500101 2999901, 500251 2999903, 500249 2999751, 500102 2999748, 500101 2999901))",
        "MULTIPOLYGON(((500001 2999999, 500131 2999999, 500131.7 2999869, 500001 2999999)),"
        "((500200 2999700, 500393 2999703, 500391 2999611, 500200 2999700)))",
        // star-shaped, many edges in all directions
        "POLYGON((500200 2999800, 500370 2999760, 500240 2999720, 500290 2999610, 500200 2999690, 500110 2999610,"
        " 500163 2999721, 500031 2999762, 500171 2999783, 500200 2999961, 500200 2999800))",
    };
    for (const auto& wkt : shapes) expect_matches_oracle(g, ctx, wkt, CoverageMode::center);
}

TEST(Coverage, AllTouchedMatchesGdalRasterizeAwayFromCellLines) {
    spatial::GeosContext ctx;
    const auto g = metric_grid(40, 40);
    expect_matches_oracle(g, ctx, "POLYGON((500003 2999997, 500347 2999951, 500161 2999633, 500003 2999997))",
                          CoverageMode::all_touched);
    expect_matches_oracle(g, ctx,
                          "POLYGON((500012 2999988, 500012 2999612, 500388 2999612, 500388 2999988, 500012 2999988),"
                          "(500101 2999901, 500251 2999903, 500249 2999751, 500102 2999748, 500101 2999901))",
                          CoverageMode::all_touched);
}
