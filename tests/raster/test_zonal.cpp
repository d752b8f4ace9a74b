// Zonal statistics, cell areas, green coverage and NDVI on analytic fixtures.
#include "raster_fixtures.hpp"
#include "test_support.hpp"

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/raster/align.hpp>
#include <citycheck/raster/cell_area.hpp>
#include <citycheck/raster/green_coverage.hpp>
#include <citycheck/raster/ndvi.hpp>
#include <citycheck/raster/zonal.hpp>

#include <geodesic.h>
#include <tbb/global_control.h>

#include <cmath>
#include <random>

using namespace citycheck;
using namespace citycheck::raster;
using citycheck::test::rasterfx::RasterSpec;
using citycheck::test::rasterfx::write_raster;
using citycheck::test::TempDir;

namespace {

std::string square(double x0, double y0, double x1, double y1) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "POLYGON((%.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f))", x0, y0, x1, y0, x1, y1, x0, y1,
                  x0, y0);
    return buf;
}

ZoneTable run(const std::string& raster_path, const std::string& zones_path, const std::string& stats,
              CoverageMode mode = CoverageMode::fractional, long long max_cells = DEFAULT_MAX_CELLS) {
    const Raster r(raster_path);
    BandSource src(r, 1);
    ZonalInput in;
    in.sources = {&src};
    in.stats = parse_stats(stats);
    spatial::GeosContext ctx;
    const auto zones = load_zones(zones_path, "zone", r.grid().crs(), ctx);
    ZonalOptions opt;
    opt.mode = mode;
    opt.max_cells = max_cells;
    return make_table(in, zones, compute_zonal(in, zones, opt));
}

double column(const ZoneTable& t, std::size_t zone, const std::string& name) {
    for (std::size_t i = 0; i < t.columns.size(); ++i)
        if (t.columns[i] == name) return t.rows[zone][i];
    ADD_FAILURE() << "no column " << name;
    return std::nan("");
}

}  // namespace

TEST(ZonalStats, ParseStats) {
    const auto s = parse_stats("mean,frac_gt:0.3,frac_in:10,20,30,count");
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[1].kind, StatKind::frac_gt);
    EXPECT_DOUBLE_EQ(s[1].threshold, 0.3);
    EXPECT_EQ(s[1].name, "frac_gt_0.3");
    EXPECT_EQ(s[2].classes, (std::vector<double>{10, 20, 30}));
    EXPECT_EQ(s[2].name, "frac_in_10_20_30");
    EXPECT_EQ(s[3].kind, StatKind::count);
    EXPECT_THROW(parse_stats("mean,median"), UsageError);
    EXPECT_THROW(parse_stats("frac_gt:x"), UsageError);
}

TEST(ZonalStats, AnalyticValuesWithNodataAndScale) {
    TempDir dir;
    RasterSpec spec;  // 10 × 10 cells of 10 m; value = column index, raw = 2 × value, scale 0.5
    spec.nodata = -1;
    spec.scale = 0.5;
    std::vector<double> v(100);
    for (int r = 0; r < 10; ++r)
        for (int c = 0; c < 10; ++c) v[r * 10 + c] = 2.0 * c;
    v[2 * 10 + 2] = -1;  // one nodata cell inside the zone
    write_raster((dir / "v.tif").string(), spec, {v});
    // zone: columns 1..4 and rows 1..3 exactly (4 × 3 cells)
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650, {{"a", square(500010, 2999960, 500050, 2999990)}});
    const auto t = run((dir / "v.tif").string(), (dir / "z.gpkg").string(),
                       "count,sum,mean,min,max,stdev,majority,frac_gt:2,frac_in:1,4,valid_frac,area,frac");
    EXPECT_DOUBLE_EQ(column(t, 0, "count"), 11.0);
    EXPECT_DOUBLE_EQ(column(t, 0, "sum"), 3 * (1 + 2 + 3 + 4) - 2);
    EXPECT_NEAR(column(t, 0, "mean"), 28.0 / 11.0, 1e-12);
    EXPECT_DOUBLE_EQ(column(t, 0, "min"), 1.0);
    EXPECT_DOUBLE_EQ(column(t, 0, "max"), 4.0);
    const double mean = 28.0 / 11.0;
    double var = 0;
    for (double x : {1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4}) var += (x - mean) * (x - mean);
    EXPECT_NEAR(column(t, 0, "stdev"), std::sqrt(var / 11), 1e-12);
    EXPECT_DOUBLE_EQ(column(t, 0, "majority"), 1.0);  // 1, 3 and 4 tie at 3 cells: the smallest wins
    EXPECT_NEAR(column(t, 0, "frac_gt_2"), 6.0 / 11.0, 1e-12);
    EXPECT_NEAR(column(t, 0, "frac_in_1_4"), 6.0 / 11.0, 1e-12);
    EXPECT_NEAR(column(t, 0, "valid_frac"), 11.0 / 12.0, 1e-12);
    EXPECT_NEAR(column(t, 0, "area"), 1100.0, 1e-9);
    EXPECT_NEAR(column(t, 0, "frac_2"), 2.0 / 11.0, 1e-12);
}

TEST(ZonalStats, FractionalCountEqualsAreaForHalfCellOffsets) {
    TempDir dir;
    RasterSpec spec;
    write_raster((dir / "v.tif").string(), spec, {std::vector<double>(100, 1.0)});
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650,
                      {{"half", square(500005, 2999955, 500045, 2999995)},
                       {"tri", "POLYGON((500003 2999997, 500087 2999951, 500041 2999913, 500003 2999997))"}});
    const auto t = run((dir / "v.tif").string(), (dir / "z.gpkg").string(), "count,sum,area");
    EXPECT_NEAR(column(t, 0, "count"), 16.0, 1e-12);
    EXPECT_NEAR(column(t, 0, "area"), 1600.0, 1e-9);
    const double tri_area = 0.5 * std::abs((87 - 3) * (913 - 997) - (41 - 3) * (951 - 997));
    EXPECT_NEAR(column(t, 1, "area"), tri_area, tri_area * 1e-9);
}

TEST(ZonalStats, ThreadCountAndWindowSizeInvariance) {
    TempDir dir;
    RasterSpec spec;
    spec.cols = 200;
    spec.rows = 150;
    spec.block = 16;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<double> v(static_cast<std::size_t>(spec.cols) * spec.rows);
    for (auto& x : v) x = u(rng);
    write_raster((dir / "v.tif").string(), spec, {v});
    std::vector<std::pair<std::string, std::string>> zones;
    std::uniform_real_distribution<double> px(500000, 502000), py(2998500, 3000000), sz(5, 400);
    for (int i = 0; i < 40; ++i) {
        const double x = px(rng), y = py(rng), s = sz(rng);
        if (i % 2)
            zones.emplace_back("z" + std::to_string(i), square(x, y, x + s, y + 0.7 * s));
        else
            zones.emplace_back("z" + std::to_string(i), "POLYGON((" + std::to_string(x) + " " + std::to_string(y) + ", " +
                                                            std::to_string(x + s) + " " + std::to_string(y + 0.3 * s) + ", " +
                                                            std::to_string(x + 0.2 * s) + " " + std::to_string(y + s) + ", " +
                                                            std::to_string(x) + " " + std::to_string(y) + "))");
    }
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650, zones);
    const std::string stats = "count,sum,mean,stdev,min,max,frac_gt:0.3";
    ZoneTable base;
    {
        tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
        base = run((dir / "v.tif").string(), (dir / "z.gpkg").string(), stats);
    }
    for (long long cells : {256LL, 768LL, 16LL * 16 * 13}) {
        tbb::global_control four(tbb::global_control::max_allowed_parallelism, 4);
        const auto t = run((dir / "v.tif").string(), (dir / "z.gpkg").string(), stats, CoverageMode::fractional, cells);
        ASSERT_EQ(t.rows.size(), base.rows.size());
        for (std::size_t z = 0; z < t.rows.size(); ++z)
            for (std::size_t k = 0; k < t.columns.size(); ++k) {
                const double a = t.rows[z][k], b = base.rows[z][k];
                if (std::isnan(a) && std::isnan(b)) continue;
                EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0) << "zone " << z << " " << t.columns[k] << " window " << cells;
            }
    }
    EXPECT_GT(column(base, 1, "count"), 0.0);
}

TEST(ZonalStats, GeographicCellAreasAreEllipsoidal) {
    // EPSG:4490 (CGCS2000) raster of 0.001° cells near 30° N; a zone covering 20 × 10 cells.
    RasterSpec spec;
    spec.epsg = 4490;
    spec.gt = {114.0, 0.001, 0, 30.01, 0, -0.001};
    spec.cols = 20;
    spec.rows = 10;
    const Grid g(spec.gt, spec.cols, spec.rows, spatial::Crs::from_epsg(4490));
    const auto areas = cell_areas_m2(g);
    // Oracle: PROJ's geodesic area of the cell on the CGCS2000 ellipsoid (edges are geodesics, not
    // parallels, so agreement is to ~1e-9 relative at this cell size).
    geod_geodesic geod{};
    geod_init(&geod, 6378137.0, 1 / 298.257222101);
    for (int r = 0; r < g.rows(); ++r) {
        double lats[4] = {g.y_of_row(r), g.y_of_row(r), g.y_of_row(r + 1), g.y_of_row(r + 1)};
        double lons[4] = {114.0, 114.001, 114.001, 114.0};
        double a = 0, p = 0;
        geod_polygonarea(&geod, lats, lons, 4, &a, &p);
        EXPECT_NEAR(areas[static_cast<std::size_t>(r)], std::abs(a), std::abs(a) * 1e-7);
    }
    EXPECT_GT(areas.back(), areas.front());  // cells grow towards the equator
    TempDir dir;
    write_raster((dir / "v.tif").string(), spec, {std::vector<double>(200, 1.0)});
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 4490, {{"all", square(114.0, 30.0, 114.02, 30.01)}});
    const auto t = run((dir / "v.tif").string(), (dir / "z.gpkg").string(), "area,count");
    double expected = 0;
    for (double a : areas) expected += 20 * a;
    EXPECT_NEAR(column(t, 0, "area"), expected, expected * 1e-9);
    EXPECT_NEAR(column(t, 0, "count"), 200.0, 1e-9);
    EXPECT_NEAR(expected, 1.0e6 * 2.0 * 1.1, 0.1 * 2.2e6);  // ≈ 1.93 km × 1.11 km: a sanity bound
}

TEST(ZonalStats, WeightedMeanAndGridMismatch) {
    TempDir dir;
    RasterSpec spec;
    std::vector<double> v(100), w(100);
    for (int i = 0; i < 100; ++i) v[i] = i % 10, w[i] = (i % 10) < 5 ? 1.0 : 3.0;
    write_raster((dir / "v.tif").string(), spec, {v});
    write_raster((dir / "w.tif").string(), spec, {w});
    RasterSpec other = spec;
    other.gt[0] += 5;
    write_raster((dir / "w2.tif").string(), other, {w});
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650, {{"a", square(500000, 2999900, 500100, 3000000)}});
    const Raster vr((dir / "v.tif").string()), wr((dir / "w.tif").string()), w2((dir / "w2.tif").string());
    BandSource vs(vr, 1), ws(wr, 1), ws2(w2, 1);
    spatial::GeosContext ctx;
    const auto zones = load_zones((dir / "z.gpkg").string(), "zone", vr.grid().crs(), ctx);
    ZonalInput in{{&vs}, &ws, parse_stats("weighted_mean,weighted_sum,mean")};
    const auto t = make_table(in, zones, compute_zonal(in, zones));
    // weights 1 for values 0..4 and 3 for 5..9: (10 + 3·35) / (5 + 15) per row
    EXPECT_NEAR(column(t, 0, "weighted_mean"), (10.0 + 105.0) / 20.0, 1e-12);
    EXPECT_NEAR(column(t, 0, "weighted_sum"), 10 * 115.0, 1e-9);
    in.weights = &ws2;
    try {
        (void)compute_zonal(in, zones);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("500005"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("500000"), std::string::npos) << e.what();
    }
}

TEST(ZonalStats, ZonesInAnotherCrsAreTransformed) {
    TempDir dir;
    RasterSpec spec;  // UTM 50N around 117° E
    spec.cols = spec.rows = 100;
    write_raster((dir / "v.tif").string(), spec, {std::vector<double>(10000, 2.0)});
    // A square in UTM, written as its corners transformed to WGS84: the area must come back.
    const auto utm = spatial::Crs::from_epsg(32650), wgs = spatial::Crs::from_epsg(4326);
    spatial::Transform to_wgs(utm, wgs);
    std::vector<double> xs{500100, 500700, 500700, 500100}, ys{2999900, 2999900, 2999300, 2999300};
    to_wgs.apply(xs, ys);
    char buf[512];
    std::snprintf(buf, sizeof buf, "POLYGON((%.12f %.12f, %.12f %.12f, %.12f %.12f, %.12f %.12f, %.12f %.12f))", xs[0], ys[0], xs[1],
                  ys[1], xs[2], ys[2], xs[3], ys[3], xs[0], ys[0]);
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 4326, {{"w", buf}});
    const auto t = run((dir / "v.tif").string(), (dir / "z.gpkg").string(), "area,mean");
    EXPECT_NEAR(column(t, 0, "area"), 360000.0, 1e-3);
    EXPECT_DOUBLE_EQ(column(t, 0, "mean"), 2.0);
}

TEST(ZonalStats, BadInputs) {
    TempDir dir;
    RasterSpec spec;
    write_raster((dir / "v.tif").string(), spec, {std::vector<double>(100, 1.0)});
    RasterSpec nocrs = spec;
    nocrs.epsg = 0;
    write_raster((dir / "nocrs.tif").string(), nocrs, {std::vector<double>(100, 1.0)});
    const Raster r((dir / "v.tif").string());
    EXPECT_THROW(BandSource(r, 2), InputError);
    spatial::GeosContext ctx;
    test::rasterfx::write_zones((dir / "empty.gpkg").string(), 32650, {});
    EXPECT_THROW(load_zones((dir / "empty.gpkg").string(), "zone", r.grid().crs(), ctx), InputError);
    test::rasterfx::write_zones((dir / "dup.gpkg").string(), 32650, {{"a", square(500000, 2999950, 500050, 3000000)}, {"a", square(500000, 2999950, 500050, 3000000)}});
    EXPECT_THROW(load_zones((dir / "dup.gpkg").string(), "zone", r.grid().crs(), ctx), InputError);
    test::rasterfx::write_zones((dir / "nozcrs.gpkg").string(), 0, {{"a", square(500000, 2999950, 500050, 3000000)}});
    EXPECT_THROW(load_zones((dir / "nozcrs.gpkg").string(), "zone", r.grid().crs(), ctx), InputError);
    // A bow-tie is repaired with a warning naming the zone; a zone off the raster gets valid_frac 0.
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650,
                      {{"bowtie", "POLYGON((500000 3000000, 500040 2999960, 500040 3000000, 500000 2999960, 500000 3000000))"},
                       {"far", square(600000, 2999950, 600050, 3000000)}});
    (void)log::take_warnings();
    const auto zones = load_zones((dir / "z.gpkg").string(), "zone", r.grid().crs(), ctx);
    auto warnings = log::take_warnings();
    ASSERT_FALSE(warnings.empty());
    EXPECT_NE(warnings[0].find("bowtie"), std::string::npos) << warnings[0];
    BandSource s(r, 1);
    ZonalInput in{{&s}, nullptr, parse_stats("count,valid_frac,area")};
    const auto result = compute_zonal(in, zones);
    const auto t = make_table(in, zones, result);
    EXPECT_NEAR(column(t, 0, "area"), 800.0, 1e-9);  // two triangles of 400 m²
    EXPECT_DOUBLE_EQ(column(t, 1, "valid_frac"), 0.0);
    warn_empty_zones(zones, result);
    warnings = log::take_warnings();
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("far"), std::string::npos);
    const Raster nr((dir / "nocrs.tif").string());
    BandSource ns(nr, 1);
    ZonalInput nin{{&ns}, nullptr, parse_stats("count")};
    EXPECT_THROW(compute_zonal(nin, zones), InputError);
}

TEST(GreenCoverage, ZoneWithExactlyAQuarterVegetation) {
    TempDir dir;
    RasterSpec spec;
    std::vector<double> ndvi(100);
    for (int r = 0; r < 10; ++r)
        for (int c = 0; c < 10; ++c) ndvi[r * 10 + c] = (c % 2 == 0 && r % 2 == 0) ? 0.6 : 0.1;
    write_raster((dir / "ndvi.tif").string(), spec, {ndvi});
    // aligned 4 × 4 cells, and the same offset by half a cell: both hold exactly 25 % vegetation
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650,
                      {{"aligned", square(500020, 2999940, 500060, 2999980)}, {"offset", square(500015, 2999935, 500055, 2999975)}});
    const Raster r((dir / "ndvi.tif").string());
    BandSource s(r, 1);
    spatial::GeosContext ctx;
    const auto zones = load_zones((dir / "z.gpkg").string(), "zone", r.grid().crs(), ctx);
    const auto rows = green_coverage(s, zones, {});
    ASSERT_EQ(rows.size(), 2u);
    for (const auto& row : rows) {
        EXPECT_NEAR(row.green_coverage_pct, 25.0, 1e-9) << row.zone_id;
        EXPECT_NEAR(row.vegetated_m2, 400.0, 1e-9) << row.zone_id;
        EXPECT_NEAR(row.zone_area_m2, 1600.0, 1e-9) << row.zone_id;
    }
    // A mask keeping the left half of the aligned zone: columns 2, 3 → still 25 %, over 800 m².
    auto zones2 = zones;
    const auto keep = ctx.from_wkt(square(500000, 2999900, 500040, 3000000));
    restrict_zones(zones2, keep.get(), nullptr, ctx);
    const auto masked = green_coverage(s, zones2, {});
    EXPECT_NEAR(masked[0].zone_area_m2, 800.0, 1e-9);
    EXPECT_NEAR(masked[0].green_coverage_pct, 25.0, 1e-9);
    // Land-cover mode: classes
    GreenCoverageOptions lc;
    lc.classes = {static_cast<double>(0.6f)};  // the raster is Float32
    EXPECT_NEAR(green_coverage(s, zones, lc)[0].green_coverage_pct, 25.0, 1e-9);
}

TEST(Ndvi, ValuesNodataAndZeroDenominator) {
    TempDir dir;
    RasterSpec spec;
    spec.cols = 40;
    spec.rows = 30;
    spec.type = GDT_UInt16;
    spec.nodata = 0;
    spec.scale = 0.0001;
    std::vector<double> red(1200), nir(1200);
    for (int i = 0; i < 1200; ++i) red[i] = 1000 + i % 7, nir[i] = 3000 + i % 11;
    red[5] = 0;           // nodata in red
    red[6] = nir[6] = 1;  // fine: (1-1)/(2) = 0
    write_raster((dir / "img.tif").string(), spec, {red, nir});
    const Raster img((dir / "img.tif").string());
    write_ndvi(img, {1, 2}, (dir / "ndvi.tif").string(), {.max_cells = 256, .tile = 16});
    const Raster out((dir / "ndvi.tif").string());
    EXPECT_EQ(out.band(1).block.cols, 16);
    Block b;
    out.read(1, out.grid().full_window(), b);
    EXPECT_EQ(b.valid[5], 0);
    EXPECT_EQ(b.valid[6], 1);
    EXPECT_DOUBLE_EQ(b.values[6], 0.0);
    EXPECT_NEAR(b.values[100], (nir[100] - red[100]) / (nir[100] + red[100]), 1e-6);
    EXPECT_THROW(sensor_bands("spot"), UsageError);
    EXPECT_EQ(sensor_bands("sentinel2").nir, 8);
    // zero denominator after offset: red = -nir
    RasterSpec s2 = spec;
    s2.type = GDT_Float32;
    s2.nodata.reset();
    s2.scale = 1;
    write_raster((dir / "z.tif").string(), s2, {std::vector<double>(1200, -0.2), std::vector<double>(1200, 0.2)});
    const Raster zimg((dir / "z.tif").string());
    NdviSource src(zimg, {1, 2});
    src.read({0, 0, 4, 4}, b);
    EXPECT_EQ(b.valid[0], 0);
}

TEST(ZonalStats, AlignResamplesWeightsOntoTheValueGrid) {
    TempDir dir;
    RasterSpec spec;
    write_raster((dir / "v.tif").string(), spec, {std::vector<double>(100, 1.0)});
    RasterSpec coarse = spec;  // 20 m cells with a constant 5: averaging keeps 5 everywhere
    coarse.cols = coarse.rows = 5;
    coarse.gt[1] = 20;
    coarse.gt[5] = -20;
    write_raster((dir / "w.tif").string(), coarse, {std::vector<double>(25, 5.0)});
    const Raster v((dir / "v.tif").string()), w((dir / "w.tif").string());
    EXPECT_FALSE(w.grid().aligned_with(v.grid()));
    const auto aligned = align_to_grid(w, 1, v.grid());
    EXPECT_TRUE(aligned->grid().aligned_with(v.grid())) << aligned->grid().describe();
    Block b;
    aligned->read(1, aligned->grid().full_window(), b);
    for (std::size_t i = 0; i < b.values.size(); ++i) EXPECT_DOUBLE_EQ(b.values[i], 5.0);
}

TEST(ZonalStats, MajorityAndFracAreBoundedByMaxClasses) {
    TempDir dir;
    RasterSpec spec;
    std::vector<double> cont(100), classes(100);
    for (int i = 0; i < 100; ++i) cont[i] = 0.5 * i, classes[i] = (i % 10) < 3 ? 10 : 20;
    write_raster((dir / "cont.tif").string(), spec, {cont});
    write_raster((dir / "cls.tif").string(), spec, {classes});
    test::rasterfx::write_zones((dir / "z.gpkg").string(), 32650, {{"whole", square(500000, 2999900, 500100, 3000000)}});
    spatial::GeosContext ctx;
    const Raster cr((dir / "cont.tif").string()), kr((dir / "cls.tif").string());
    const auto zones = load_zones((dir / "z.gpkg").string(), "zone", cr.grid().crs(), ctx);
    BandSource cs(cr, 1), ks(kr, 1);
    ZonalOptions opt;
    opt.max_classes = 50;  // the continuous raster has 100 distinct values in the zone
    ZonalInput in{{&cs}, nullptr, parse_stats("majority")};
    try {
        (void)compute_zonal(in, zones, opt);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("whole"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("more than 50 distinct values"), std::string::npos) << e.what();
    }
    // Without majority/frac no histogram is kept: no limit applies.
    ZonalInput mean_only{{&cs}, nullptr, parse_stats("mean")};
    EXPECT_NO_THROW((void)compute_zonal(mean_only, zones, opt));
    // A categorical raster stays well under the cap.
    ZonalInput cat{{&ks}, nullptr, parse_stats("majority,frac")};
    const auto t = make_table(cat, zones, compute_zonal(cat, zones, opt), opt.max_classes);
    EXPECT_DOUBLE_EQ(column(t, 0, "majority"), 20);
    EXPECT_NEAR(column(t, 0, "frac_10"), 0.3, 1e-12);
    EXPECT_NEAR(column(t, 0, "frac_20"), 0.7, 1e-12);
    // frac's columns are the classes over all zones: capped as well.
    EXPECT_THROW((void)make_table(cat, zones, compute_zonal(cat, zones, opt), 1), InputError);
}
