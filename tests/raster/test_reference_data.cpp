// Differential checks against /work/shared/data/REFERENCE.md (skipped when the data is absent).
#include "test_support.hpp"

#include <citycheck/raster/ndvi.hpp>
#include <citycheck/raster/zonal.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace citycheck;
using namespace citycheck::raster;

namespace {
ZonalResult zonal(const Raster& r, const ValueSource& src, const ZoneSet& zones, const char* stats, CoverageMode mode,
                  ZonalInput& in) {
    in.sources = {&src};
    in.stats = parse_stats(stats);
    ZonalOptions opt;
    opt.mode = mode;
    (void)r;
    return compute_zonal(in, zones, opt);
}
}  // namespace

TEST(ReferenceData, RasterstatsFixture) {
    const auto dir = test::shared_data("rasterstats_fixture");
    if (!dir) GTEST_SKIP() << "../shared/data/rasterstats_fixture is absent";
    const Raster r((*dir / "slope.tif").string());
    BandSource src(r, 1);
    spatial::GeosContext ctx;
    const auto zones = load_zones((*dir / "polygons.shp").string(), "", r.grid().crs(), ctx);
    ASSERT_EQ(zones.zones.size(), 2u);
    ZonalInput in;
    auto a = zonal(r, src, zones, "count,mean", CoverageMode::center, in);
    EXPECT_DOUBLE_EQ(a[0][0].weight, 75);
    EXPECT_NEAR(a[0][0].sum / a[0][0].weight, 14.660085, 5e-7);
    EXPECT_DOUBLE_EQ(a[1][0].weight, 50);
    EXPECT_NEAR(a[1][0].sum / a[1][0].weight, 56.605760, 5e-7);
    a = zonal(r, src, zones, "count,mean", CoverageMode::all_touched, in);
    EXPECT_DOUBLE_EQ(a[0][0].weight, 95);
    EXPECT_NEAR(a[0][0].sum / a[0][0].weight, 15.739456, 5e-7);
    EXPECT_DOUBLE_EQ(a[1][0].weight, 73);
    EXPECT_NEAR(a[1][0].sum / a[1][0].weight, 50.592021, 5e-7);
    // The reference weights come from a 10×10 sub-pixel estimate; exact coverage differs slightly.
    a = zonal(r, src, zones, "count,mean", CoverageMode::fractional, in);
    EXPECT_NEAR(a[0][0].weight, 77.52, 0.8);
    EXPECT_NEAR(a[0][0].sum / a[0][0].weight, 15.041499, 0.05);
    EXPECT_NEAR(a[1][0].weight, 52.18, 0.5);
    EXPECT_NEAR(a[1][0].sum / a[1][0].weight, 55.618221, 0.05);
}

TEST(ReferenceData, OlindaNdvi) {
    const auto dir = test::shared_data("olinda");
    if (!dir) GTEST_SKIP() << "../shared/data/olinda is absent";
    const Raster img((*dir / "L7_ETMs.tif").string());
    NdviSource ndvi(img, {3, 4});
    Block b;
    ndvi.read(img.grid().full_window(), b);
    double sum = 0;
    long n = 0, ge = 0;
    for (std::size_t i = 0; i < b.values.size(); ++i)
        if (b.valid[i]) sum += b.values[i], ++n, ge += b.values[i] >= 0.3;
    EXPECT_EQ(n, 122848);
    EXPECT_NEAR(sum / n, -0.064325, 5e-7);
    EXPECT_NEAR(static_cast<double>(ge) / n, 0.152522, 5e-7);

    spatial::GeosContext ctx;
    const auto zones = load_zones((*dir / "olinda1.shp").string(), "CD_GEOCODI", img.grid().crs(), ctx);
    ZonalInput in;
    struct Ref {
        const char* id;
        int a_n;
        double a_mean, b_n, b_mean;
        int c_n;
    };
    const Ref refs[] = {{"260960005000001", 113, -0.123713, 114.44, -0.125198, 144},
                        {"260960005000002", 113, -0.161004, 109.52, -0.162409, 131},
                        {"260960005000003", 53, -0.181173, 53.76, -0.181352, 74},
                        {"260960005000004", 83, -0.090779, 82.21, -0.091714, 117},
                        {"260960005000005", 92, -0.066667, 89.79, -0.069359, 120}};
    const auto center = zonal(img, ndvi, zones, "count,mean", CoverageMode::center, in);
    const auto frac = zonal(img, ndvi, zones, "count,mean", CoverageMode::fractional, in);
    const auto touched = zonal(img, ndvi, zones, "count", CoverageMode::all_touched, in);
    for (const auto& ref : refs) {
        std::size_t z = 0;
        while (z < zones.zones.size() && zones.zones[z].id != ref.id) ++z;
        ASSERT_LT(z, zones.zones.size()) << ref.id;
        EXPECT_DOUBLE_EQ(center[z][0].weight, ref.a_n) << ref.id;
        EXPECT_NEAR(center[z][0].sum / center[z][0].weight, ref.a_mean, 5e-7) << ref.id;
        EXPECT_NEAR(frac[z][0].weight, ref.b_n, 0.5) << ref.id;  // 10×10 estimate: third decimal
        EXPECT_NEAR(frac[z][0].sum / frac[z][0].weight, ref.b_mean, 2e-3) << ref.id;
        EXPECT_DOUBLE_EQ(touched[z][0].weight, ref.c_n) << ref.id;
    }
}
