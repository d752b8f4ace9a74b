// parallel_sort gives exactly std::sort's order under a total order, for any thread count and
// for sizes around its serial threshold and its merge grain.
#include <citycheck/core/parallel_sort.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include <tbb/task_arena.h>

namespace {

struct Item {
    double key;  // many equal keys: the index breaks ties
    std::uint32_t index;
    bool operator<(const Item& o) const noexcept { return key < o.key || (key == o.key && index < o.index); }
    bool operator==(const Item&) const = default;
};

std::vector<Item> random_items(std::size_t n, int distinct_keys, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> key(0, distinct_keys - 1);
    std::vector<Item> v(n);
    for (std::uint32_t i = 0; i < n; ++i) v[i] = {key(rng) * 0.5, i};
    std::shuffle(v.begin(), v.end(), rng);
    return v;
}

TEST(ParallelSort, MatchesStdSortOnAnyThreadCount) {
    for (const std::size_t n : {0u, 1u, 7u, 32767u, 32768u, 100003u, 400000u}) {
        const auto input = random_items(n, 1000, n);
        auto expected = input;
        std::sort(expected.begin(), expected.end());
        for (const int threads : {1, 2, 3, 4, 8}) {
            SCOPED_TRACE(testing::Message() << n << " items, " << threads << " threads");
            auto got = input;
            tbb::task_arena(threads).execute([&] { citycheck::parallel_sort(got.begin(), got.end()); });
            EXPECT_EQ(got, expected);
        }
    }
}

TEST(ParallelSort, SortedReversedAndCustomOrder) {
    std::vector<std::uint64_t> v(200000);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = i;
    auto reversed = v;
    std::reverse(reversed.begin(), reversed.end());
    tbb::task_arena(2).execute([&] {
        auto a = v;
        citycheck::parallel_sort(a.begin(), a.end());
        EXPECT_EQ(a, v);
        auto b = reversed;
        citycheck::parallel_sort(b.begin(), b.end());
        EXPECT_EQ(b, v);
        auto c = v;
        citycheck::parallel_sort(c.begin(), c.end(), std::greater<>());
        EXPECT_EQ(c, reversed);
    });
}

}  // namespace
