#include <gtest/gtest.h>

#include <citycheck/core/text.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

using namespace citycheck;

TEST(TextTest, CsvFieldQuotesOnlyWhenNeeded) {
    EXPECT_EQ(csv_field("江汉区"), "江汉区");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(TextTest, SplitListDropsEmptyItems) {
    EXPECT_EQ(split_list("0701,0702"), (std::vector<std::string>{"0701", "0702"}));
    EXPECT_EQ(split_list(",a,,b,"), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(split_list("").empty());
    EXPECT_EQ(split_list("x;y", ';'), (std::vector<std::string>{"x", "y"}));
}

// The table writers rely on append_fixed printing exactly what printf's "%.6f" prints.
TEST(TextTest, AppendFixedMatchesPrintf) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> mantissa(-1, 1);
    std::uniform_int_distribution<int> exponent(-12, 16);
    std::vector<double> values{0.0, -0.0, 0.5, 1.0000005, 2.5e-7, 0.0000005, 0.0000015, 123456.7890125, 1e15 + 0.3, -7.25,
                               std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()};
    for (int i = 0; i < 20000; ++i) values.push_back(mantissa(rng) * std::pow(10.0, exponent(rng)));
    for (const int decimals : {0, 2, 6}) {
        for (const double v : values) {
            std::string got = "x";
            append_fixed(got, v, decimals);
            std::vector<char> want(512);
            std::snprintf(want.data(), want.size(), "x%.*f", decimals, v);
            ASSERT_EQ(got, want.data()) << "value " << v << ", " << decimals << " decimals";
        }
    }
}
