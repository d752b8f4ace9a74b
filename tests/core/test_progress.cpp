#include <gtest/gtest.h>

#include <vector>

#include <tbb/parallel_for.h>

#include <citycheck/core/error.hpp>
#include <citycheck/core/per_thread.hpp>
#include <citycheck/core/progress.hpp>

using namespace citycheck;

TEST(ProgressTest, ScaledMapsIntoParentRange) {
    std::vector<double> seen;
    Progress root([&](double f, std::string_view) { seen.push_back(f); return true; });
    Progress child = root.scaled(0.5, 1.0).scaled(0.0, 0.5);  // [0.5, 0.75]
    child.report(0.0, "a");
    child.report(1.0, "a");
    child.report(2.0, "a");  // clamped
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_DOUBLE_EQ(seen[0], 0.5);
    EXPECT_DOUBLE_EQ(seen[1], 0.75);
    EXPECT_DOUBLE_EQ(seen[2], 0.75);
}

TEST(ProgressTest, FalseFromCallbackCancels) {
    Progress p([](double f, std::string_view) { return f < 0.5; });
    EXPECT_NO_THROW(p.report(0.2, "x"));
    EXPECT_THROW(p.report(0.6, "x"), Cancelled);
}

TEST(ProgressTest, SilentProgressNeverCancels) {
    Progress p;
    EXPECT_NO_THROW(p.report(1.0, "x"));
}

TEST(ProgressCounterTest, ReportsEachPercentOnceAndCancelsFromWorkers) {
    int calls = 0;
    Progress p([&](double, std::string_view) { ++calls; return true; });
    ProgressCounter counter(p, 1000, "work");
    tbb::parallel_for(0, 1000, [&](int) { counter.step(); });
    EXPECT_LE(calls, 101);
    EXPECT_GE(calls, 1);

    Progress stop([](double f, std::string_view) { return f < 0.3; });
    ProgressCounter c2(stop, 100, "work");
    EXPECT_THROW(
        {
            for (int i = 0; i < 100; ++i) c2.step();
        },
        Cancelled);
    EXPECT_TRUE(c2.cancelled());
}

TEST(PerThreadTest, OneResourcePerThreadCreatedLazily) {
    std::atomic<int> made{0};
    PerThread<int> holder([&] { return ++made; });
    tbb::parallel_for(0, 10000, [&](int) { (void)holder.local(); });
    int count = 0;
    holder.for_each([&](int&) { ++count; });
    EXPECT_EQ(count, made.load());
    EXPECT_GE(made.load(), 1);
}
