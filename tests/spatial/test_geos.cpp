#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/geos.hpp>

using namespace citycheck;
using namespace citycheck::spatial;

TEST(GeosContextTest, WktWkbRoundTripAndArea) {
    GeosContext ctx;
    auto square = ctx.from_wkt("POLYGON((0 0, 300 0, 300 300, 0 300, 0 0))");
    EXPECT_DOUBLE_EQ(ctx.area(*square), 90000.0);
    auto wkb = ctx.to_wkb(*square);
    auto back = ctx.from_wkb(wkb);
    EXPECT_DOUBLE_EQ(ctx.area(*back), 90000.0);
    EXPECT_DOUBLE_EQ(ctx.length(*back), 1200.0);
    const Box b = ctx.envelope(*back);
    EXPECT_EQ(b.xmax, 300.0);
}

TEST(GeosContextTest, BadWktThrowsWithGeosMessage) {
    GeosContext ctx;
    try {
        (void)ctx.from_wkt("POLYGON((0 0, 1 1");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::input);
        EXPECT_NE(std::string(e.what()).find("GEOS"), std::string::npos);
    }
}

TEST(GeosContextTest, InvalidBowtieIsRepaired) {
    GeosContext ctx;
    auto bowtie = ctx.from_wkt("POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))");
    EXPECT_FALSE(ctx.is_valid(*bowtie));
    EXPECT_NE(ctx.invalid_reason(*bowtie).find("Self-intersection"), std::string::npos);
    auto fixed = ctx.make_valid(*bowtie);
    EXPECT_TRUE(ctx.is_valid(*fixed));
    EXPECT_DOUBLE_EQ(ctx.area(*fixed), 50.0);
}

TEST(GeosContextTest, IntersectionAndPrepared) {
    GeosContext ctx;
    auto a = ctx.make_box({0, 0, 10, 10});
    auto b = ctx.make_box({5, 5, 20, 20});
    EXPECT_DOUBLE_EQ(ctx.area(*ctx.intersection(*a, *b)), 25.0);
    auto prepared = ctx.prepare(*a);
    auto p = ctx.make_point(1, 1);
    EXPECT_EQ(GEOSPreparedContains_r(ctx.get(), prepared.get(), p.get()), 1);
}

TEST(GeosContextTest, ContextsMoveAndWorkOnSeparateThreads) {
    std::vector<double> areas(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([t, &areas] {
            GeosContext ctx;
            GeosContext moved = std::move(ctx);
            auto g = moved.make_box({0, 0, double(t + 1), 1});
            areas[static_cast<std::size_t>(t)] = moved.area(*g);
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(areas, (std::vector<double>{1, 2, 3, 4}));
}

TEST(StrTreeTest, QueryReturnsIntersectingItemsSorted) {
    GeosContext ctx;
    StrTree tree(ctx);
    for (std::size_t i = 0; i < 100; ++i) {
        const double x = static_cast<double>(i % 10) * 10, y = static_cast<double>(i / 10) * 10;
        tree.insert({x, y, x + 9, y + 9}, i);
    }
    tree.build();
    auto hits = tree.query({15, 15, 25, 25});
    EXPECT_EQ(hits, (std::vector<std::size_t>{11, 12, 21, 22}));
    EXPECT_TRUE(tree.query({-50, -50, -40, -40}).empty());
    EXPECT_THROW(tree.insert({0, 0, 1, 1}, 200), Error);
}
