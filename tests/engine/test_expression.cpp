#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/expression.hpp>

using citycheck::engine::Expression;

namespace {
double eval(const std::string& text, const std::map<std::string, double>& vars = {}) {
    return Expression::parse(text).evaluate([&](const std::string& id) { return vars.at(id); });
}
}  // namespace

TEST(ExpressionTest, PrecedenceAndParentheses) {
    EXPECT_DOUBLE_EQ(eval("1 + 2 * 3"), 7);
    EXPECT_DOUBLE_EQ(eval("(1 + 2) * 3"), 9);
    EXPECT_DOUBLE_EQ(eval("10 - 4 - 3"), 3);  // left associative
    EXPECT_DOUBLE_EQ(eval("12 / 3 / 2"), 2);
    EXPECT_DOUBLE_EQ(eval("-2 * -3"), 6);
    EXPECT_DOUBLE_EQ(eval("1.5e2 / 3"), 50);
}

TEST(ExpressionTest, UnicodeOperatorsAndIdentifiers) {
    EXPECT_DOUBLE_EQ(eval("a × 2 − b ÷ 4", {{"a", 5}, {"b", 8}}), 8);
    const auto e = Expression::parse("green_area / zone_area * 100 + green_area");
    EXPECT_EQ(e.identifiers(), (std::vector<std::string>{"green_area", "zone_area"}));
    EXPECT_FALSE(e.is_ratio());
}

TEST(ExpressionTest, RatioPartsAndDivisionByZero) {
    const auto e = Expression::parse("(a + b) / c");
    ASSERT_TRUE(e.is_ratio());
    const auto [n, d] = e.evaluate_parts([](const std::string& id) { return id == "a" ? 1.0 : id == "b" ? 2.0 : 4.0; });
    EXPECT_DOUBLE_EQ(n, 3);
    EXPECT_DOUBLE_EQ(d, 4);
    EXPECT_TRUE(std::isnan(eval("1 / (a - a)", {{"a", 3}})));
}

TEST(ExpressionTest, SyntaxErrorsNameTheColumn) {
    try {
        (void)Expression::parse("a * (b + c");
        FAIL() << "no error";
    } catch (const citycheck::UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("expected ')'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("column 11"), std::string::npos) << e.what();
    }
    EXPECT_THROW((void)Expression::parse("a + * b"), citycheck::UsageError);
    EXPECT_THROW((void)Expression::parse("a b"), citycheck::UsageError);
    EXPECT_THROW((void)Expression::parse(""), citycheck::UsageError);
    EXPECT_THROW((void)Expression::parse("a % b"), citycheck::UsageError);
}
