#include <gtest/gtest.h>

#include <citycheck/core/text.hpp>

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
