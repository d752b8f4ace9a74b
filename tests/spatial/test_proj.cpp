#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/proj.hpp>

using namespace citycheck;
using namespace citycheck::spatial;

TEST(ProjTest, ContextAndOperation) {
    ProjContext ctx;
    auto op = make_pj(ctx, "+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m");
    PJ_COORD c = proj_coord(proj_torad(114.0), proj_torad(30.0), 0, 0);
    PJ_COORD out = proj_trans(op.get(), PJ_FWD, c);
    EXPECT_NEAR(out.xy.x, 500000.0, 1e-6);
    // Meridian arc length from the equator to 30°N on GRS80: 3 320 113.398 m.
    EXPECT_NEAR(out.xy.y, 3320113.398, 0.01);
    EXPECT_FALSE(proj_version().empty());
}

TEST(ProjTest, BadDefinitionThrows) {
    ProjContext ctx;
    EXPECT_THROW(make_pj(ctx, "+proj=nonsense"), InputError);
}

TEST(ProjTest, ContextsMove) {
    ProjContext a;
    ProjContext b = std::move(a);
    EXPECT_EQ(a.get(), nullptr);
    EXPECT_NE(b.get(), nullptr);
}

TEST(TransformTest, PerThreadTransformsAgree) {
    double results[2] = {0, 0};
    auto work = [&results](int i) {
        Transform t(Crs::from_epsg(4490), Crs::from_epsg(4547));
        double x = 114.5, y = 30.5;
        t.apply(x, y);
        results[i] = x;
    };
    std::thread t0(work, 0), t1(work, 1);
    t0.join();
    t1.join();
    EXPECT_EQ(results[0], results[1]);
    EXPECT_GT(results[0], 500000.0);
}

TEST(TransformTest, SameCrsIsIdentity) {
    Transform t(Crs::from_epsg(4547), Crs::from_epsg(4547));
    EXPECT_TRUE(t.is_identity());
    EXPECT_THROW(Transform(Crs(), Crs::from_epsg(4547)), UsageError);
}
