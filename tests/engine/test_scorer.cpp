#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "test_support.hpp"

#include <citycheck/core/error.hpp>
#include <citycheck/engine/scorer.hpp>

using namespace citycheck::engine;

namespace {
Target t(TargetOp op, double v) {
    Target x;
    x.op = op;
    x.value = v;
    x.source = "test";
    return x;
}
Target range(double lo, double hi) {
    Target x;
    x.op = TargetOp::range;
    x.min = lo;
    x.max = hi;
    return x;
}
const ScoringConfig DEFAULTS;
}  // namespace

TEST(ScorerTest, GreaterOrEqualStatusesAndLinearScore) {
    auto a = assess(40, t(TargetOp::ge, 40), DEFAULTS);
    EXPECT_EQ(a.status, Status::met);
    EXPECT_DOUBLE_EQ(*a.score, 100);
    EXPECT_EQ(a.grade, "优");
    a = assess(37, t(TargetOp::ge, 40), DEFAULTS);  // 7.5 % short: within the 10 % band
    EXPECT_EQ(a.status, Status::nearly_met);
    EXPECT_NEAR(a.gap, 0.075, 1e-12);
    EXPECT_NEAR(*a.score, 92.5, 1e-9);
    a = assess(20, t(TargetOp::ge, 40), DEFAULTS);
    EXPECT_EQ(a.status, Status::not_met);
    EXPECT_NEAR(*a.score, 50, 1e-9);
    EXPECT_EQ(a.grade, "差");
    a = assess(-5, t(TargetOp::ge, 40), DEFAULTS);  // more than 100 % short: floor at 0
    EXPECT_DOUBLE_EQ(*a.score, 0);
    // strict: equal is not met, but with zero gap it is 基本达标
    a = assess(8, t(TargetOp::gt, 8), DEFAULTS);
    EXPECT_EQ(a.status, Status::nearly_met);
}

TEST(ScorerTest, LessOrEqualAndZeroTargets) {
    auto a = assess(4.4, t(TargetOp::le, 4), DEFAULTS);
    EXPECT_EQ(a.status, Status::not_met);  // 10 % over is at the band edge; 4.4/4 = 1.1000000000000001
    a = assess(4.2, t(TargetOp::le, 4), DEFAULTS);
    EXPECT_EQ(a.status, Status::nearly_met);
    EXPECT_NEAR(*a.score, 95, 1e-9);
    // ≤ 0 (e.g. a count that must be zero): the gap is absolute
    a = assess(0, t(TargetOp::le, 0), DEFAULTS);
    EXPECT_EQ(a.status, Status::met);
    a = assess(0.05, t(TargetOp::le, 0), DEFAULTS);
    EXPECT_EQ(a.status, Status::nearly_met);
    a = assess(3, t(TargetOp::le, 0), DEFAULTS);
    EXPECT_EQ(a.status, Status::not_met);
    EXPECT_DOUBLE_EQ(*a.score, 0);
}

TEST(ScorerTest, RangeTargets) {
    const auto r = range(50, 100);
    EXPECT_EQ(assess(75, r, DEFAULTS).status, Status::met);
    EXPECT_EQ(assess(50, r, DEFAULTS).status, Status::met);  // inclusive
    auto a = assess(45, r, DEFAULTS);  // 10 % below min
    EXPECT_EQ(a.status, Status::nearly_met);
    EXPECT_NEAR(a.gap, 0.1, 1e-12);
    a = assess(150, r, DEFAULTS);  // 50 % above max
    EXPECT_EQ(a.status, Status::not_met);
    EXPECT_NEAR(*a.score, 50, 1e-9);
}

TEST(ScorerTest, MissingDataAndMissingTargets) {
    auto a = assess(std::nan(""), t(TargetOp::ge, 1), DEFAULTS);  // zero denominator upstream
    EXPECT_EQ(a.status, Status::no_data);
    EXPECT_FALSE(a.score);
    Target local;
    local.op = TargetOp::ge;  // "≥ 规划目标": no number
    a = assess(5, local, DEFAULTS);
    EXPECT_EQ(a.status, Status::no_target);
    EXPECT_FALSE(a.score);
    a = assess(5, std::nullopt, DEFAULTS);
    EXPECT_EQ(a.status, Status::no_target);
}

TEST(ScorerTest, ToleranceAndGradesAreConfigurable) {
    ScoringConfig c;
    c.tolerance = 0.0;
    EXPECT_EQ(assess(39.9, t(TargetOp::ge, 40), c).status, Status::not_met);
    c.grade_excellent = 99;
    c.grade_good = 95;
    c.grade_fair = 90;
    EXPECT_EQ(grade_for(96, c), "良");
    EXPECT_EQ(grade_for(89, c), "差");
    EXPECT_EQ(grade_for(90, DEFAULTS), "优");
    EXPECT_EQ(grade_for(89.99, DEFAULTS), "良");
    EXPECT_EQ(grade_for(75, DEFAULTS), "良");
    EXPECT_EQ(grade_for(60, DEFAULTS), "中");
    EXPECT_EQ(grade_for(59.9, DEFAULTS), "差");
}

namespace {
IndicatorSpec spec(const std::string& id, const std::string& tdt, const std::string& mohurd, std::optional<Target> target, bool helper = false) {
    IndicatorSpec s;
    s.id = id;
    s.name.zh = id;
    s.dimensions.tdt1063 = tdt;
    s.dimensions.mohurd = mohurd;
    s.target = target;
    s.helper = helper;
    return s;
}
}  // namespace

TEST(ScorerTest, DimensionScoresOverallAndProblemsRankedByGap) {
    const auto a = spec("a", "安全", "安全韧性", t(TargetOp::ge, 100));
    const auto b = spec("b", "安全", "生态宜居", t(TargetOp::ge, 100));
    const auto c = spec("c", "共享", "", t(TargetOp::le, 10));
    const auto h = spec("h", "共享", "", t(TargetOp::ge, 1), true);  // helper: never scored into dimensions
    const auto n = spec("n", "绿色", "", t(TargetOp::ge, 1));
    std::vector<ScoreItem> items = {{&a, 1.0, 100.0, false}, {&b, 1.0, 60.0, false}, {&c, 2.0, 12.0, false},
                                    {&h, 1.0, 0.0, false},   {&n, 1.0, std::nan(""), false}};
    const auto z = score_zone(items, DEFAULTS);
    ASSERT_EQ(z.items.size(), 5u);
    EXPECT_EQ(z.items[1].status, Status::not_met);  // 60 vs ≥ 100
    EXPECT_EQ(z.items[2].status, Status::not_met);  // 12 vs ≤ 10: 20 % over
    EXPECT_EQ(z.items[4].status, Status::no_data);
    ASSERT_EQ(z.dimensions.size(), 14u);
    EXPECT_DOUBLE_EQ(*z.dimensions[0].score, 80);  // 安全 = mean(100, 60)
    EXPECT_EQ(z.dimensions[0].indicators, 2);
    EXPECT_DOUBLE_EQ(*z.dimensions[5].score, 80);  // 共享 = c only (h is a helper)
    EXPECT_FALSE(z.dimensions[3].score);           // 绿色: no data
    // overall = (100 + 60 + 2 × 80) / 4 = 80; TD/T overall = mean(安全 80, 共享 80)
    EXPECT_DOUBLE_EQ(*z.overall, 80);
    EXPECT_DOUBLE_EQ(*z.overall_tdt1063, 80);
    EXPECT_DOUBLE_EQ(*z.overall_mohurd, 80);  // mean(安全韧性 100, 生态宜居 60)
    EXPECT_EQ(z.grade, "良");
    ASSERT_EQ(z.problems.size(), 2u);  // b (40 % short), c (20 % over); not the helper h
    EXPECT_EQ(z.problems[0].id, "b");
    EXPECT_NEAR(z.problems[0].gap, 0.4, 1e-12);
    EXPECT_EQ(z.problems[1].id, "c");
}

TEST(ScorerTest, SurveyMergesWithItsWeightMostSpecificRowWins) {
    citycheck::test::TempDir tmp;
    {
        std::ofstream f(tmp / "survey.csv");
        f << "\xEF\xBB\xBFtarget,score,level,zone_id\n安全,50,,\n安全,70,街道,S1\na,0,,\n";
    }
    const auto survey = load_survey_csv(tmp / "survey.csv");
    ASSERT_EQ(survey.rows.size(), 3u);
    EXPECT_DOUBLE_EQ(*survey.lookup("安全", "街道", "S1"), 70);
    EXPECT_DOUBLE_EQ(*survey.lookup("安全", "区", "D1"), 50);
    EXPECT_FALSE(survey.lookup("共享", "街道", "S1"));

    ScoringConfig c;
    c.survey = SurveyConfig{tmp / "survey.csv", 0.25};
    const auto a = spec("a", "安全", "", t(TargetOp::ge, 100));
    const auto z = score_zone({{&a, 1.0, 100.0, false}}, c, &survey, "街道", "S1");
    // indicator: 0.75 × 100 + 0.25 × 0 = 75; dimension: 0.75 × 75 + 0.25 × 70 = 73.75
    EXPECT_DOUBLE_EQ(*z.items[0].score, 75);
    EXPECT_DOUBLE_EQ(*z.dimensions[0].score, 73.75);
    EXPECT_DOUBLE_EQ(*z.dimensions[0].survey, 70);

    {
        std::ofstream f(tmp / "bad.csv");
        f << "target,score\n安全,abc\n";
    }
    EXPECT_THROW((void)load_survey_csv(tmp / "bad.csv"), citycheck::InputError);
}
