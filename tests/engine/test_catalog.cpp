#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/catalog.hpp>
#include <citycheck/engine/catalog_docs.hpp>

using namespace citycheck::engine;

TEST(CatalogTest, BuiltinHasTheIssueIndicatorsWithCompleteEntries) {
    const auto& cat = Catalog::builtin();
    // INDICATORS.md §11 ranks 1–9 named in the issue, by name.
    for (const char* zh : {"城市绿化覆盖率", "公园绿地服务半径覆盖率", "城市绿道服务半径覆盖率", "社区卫生服务设施步行15分钟覆盖率",
                           "社区小学步行10分钟覆盖率", "社区中学步行15分钟覆盖率", "社区养老设施步行5分钟覆盖率",
                           "菜市场（生鲜超市）步行10分钟覆盖率", "社区体育设施步行15分钟覆盖率", "公园绿地、广场步行5分钟覆盖率",
                           "城区道路网密度", "人均公园绿地面积", "人均应急避难场所面积", "建设用地总面积", "耕地保有量", "湿地面积",
                           "森林覆盖率（三调口径）", "蓝绿空间占比", "国土开发强度", "区域开发强度",
                           "人口密度超过每平方公里1.5万人的城市建设用地规模", "城市内涝积水点密度", "消防救援5分钟可达覆盖率"}) {
        const auto& inds = cat.indicators();
        EXPECT_TRUE(std::any_of(inds.begin(), inds.end(), [&](const IndicatorSpec& s) { return s.name.zh == zh; })) << zh;
    }
    EXPECT_TRUE(cat.find("sdg_11_2_1"));
    EXPECT_TRUE(cat.find("sdg_11_7_1"));
    for (const auto& s : cat.indicators()) {
        EXPECT_FALSE(s.name.zh.empty()) << s.id;
        EXPECT_FALSE(s.name.en.empty()) << s.id;
        EXPECT_FALSE(s.unit.empty()) << s.id;
        EXPECT_FALSE(s.confidence.empty()) << s.id;
        if (s.confidence != "confirmed") {
            EXPECT_FALSE(s.confidence_note.empty()) << s.id << " must say what is unconfirmed";
        }
        if (!s.helper) {
            ASSERT_TRUE(s.target.has_value()) << s.id;
            EXPECT_FALSE(s.target->source.empty()) << s.id;
        }
    }
}

TEST(CatalogTest, ConfirmedTargetsCarryTheirNumbers) {
    const auto& cat = Catalog::builtin();
    const auto* park = cat.find("park_green_per_capita");
    ASSERT_TRUE(park && park->target);
    EXPECT_EQ(park->target->op, TargetOp::gt);
    EXPECT_DOUBLE_EQ(*park->target->value, 8.0);
    EXPECT_NE(park->target->source.find("GB 55014"), std::string::npos);
    const auto* roads = cat.find("road_network_density_urban");
    ASSERT_TRUE(roads && roads->target);
    EXPECT_DOUBLE_EQ(*roads->target->value, 8.0);
    const auto* blue = cat.find("blue_green_share");
    ASSERT_TRUE(blue);
    EXPECT_EQ(blue->confidence, "unconfirmed");
    EXPECT_FALSE(blue->target->scorable());  // no invented number
}

TEST(CatalogTest, FolderCatalogueEqualsTheEmbeddedOne) {
    const auto dir = Catalog::load_dir(std::string(CITYCHECK_SOURCE_DIR_FOR_TESTS) + "/engine/catalog");
    EXPECT_EQ(dir.ids(), Catalog::builtin().ids());
}

TEST(CatalogTest, BadEntriesAreAllReported) {
    const std::string text = R"(indicators:
  - id: Bad-Id
    name: {zh: 甲, en: A}
    unit: percent
    primitive: point_density
    params: {points: p, radius: 3}
    confidence: confirmed
  - id: second
    name: {zh: 乙}
    unit: parsec
    primitive: coverrage
    confidence: maybe
    dimensions: {tdt1063: 美丽}
)";
    try {
        (void)Catalog::load_texts({{"bad.yaml", text}});
        FAIL() << "no error";
    } catch (const citycheck::UsageError& e) {
        const std::string m = e.what();
        for (const char* expect : {"indicators[0].id", "indicators[0].params.radius", "indicators[1].name.en", "indicators[1].unit",
                                   "did you mean 'coverage'", "indicators[1].confidence", "indicators[1].dimensions.tdt1063"})
            EXPECT_NE(m.find(expect), std::string::npos) << expect << "\n" << m;
    }
}

TEST(CatalogTest, MarkdownAndJsonRenderEveryIndicator) {
    const auto& cat = Catalog::builtin();
    const auto& reg = PrimitiveRegistry::builtin();
    const auto md = catalog_markdown(cat, reg);
    const auto j = catalog_json(cat, reg);
    ASSERT_EQ(j["indicators"].size(), cat.indicators().size());
    EXPECT_EQ(j["primitives"].size(), 8u);
    for (const auto& s : cat.indicators()) {
        EXPECT_NE(md.find("(" + s.id + ".md)"), std::string::npos) << s.id;
        EXPECT_NE(indicator_markdown(s, reg).find(s.name.zh), std::string::npos);
    }
}

// docs/indicators/ is generated from the catalogue; this fails when they drift apart.
TEST(CatalogTest, CommittedIndicatorDocsAreUpToDate) {
    const std::string dir = std::string(CITYCHECK_SOURCE_DIR_FOR_TESTS) + "/docs/indicators/";
    const auto& reg = PrimitiveRegistry::builtin();
    for (const auto& s : Catalog::builtin().indicators()) {
        std::ifstream in(dir + s.id + ".md", std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        EXPECT_EQ(ss.str(), indicator_markdown(s, reg)) << s.id << ": run `citycheck list --markdown --split docs/indicators`";
    }
    std::ifstream in(dir + "README.md", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), catalog_markdown(Catalog::builtin(), reg));
}
