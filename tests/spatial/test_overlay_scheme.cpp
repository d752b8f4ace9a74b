#include <gtest/gtest.h>

#include <algorithm>

#include <fstream>
#include <random>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/box_index.hpp>
#include <citycheck/spatial/land_scheme.hpp>

#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::spatial;

namespace {
const LandGroup& group(const LandScheme& s, const std::string& id) {
    for (const auto& g : s.groups())
        if (g.id == id) return g;
    throw std::runtime_error("no group " + id);
}
bool group_has(const LandScheme& s, const std::string& id, const std::string& code) {
    const auto c = s.find_class(code);
    if (!c) return false;
    const auto& g = group(s, id);
    return std::find(g.classes.begin(), g.classes.end(), *c) != g.classes.end();
}
}  // namespace

TEST(LandSchemeTest, SandiaoClassesAndCodes) {
    const auto s = LandScheme::load("sandiao");
    EXPECT_EQ(s.id(), "sandiao");
    EXPECT_EQ(s.classes()[*s.classify("0101")].name, "水田");
    EXPECT_EQ(s.classes()[*s.classify(" 0810a ")].code, "0810A");
    EXPECT_EQ(s.classes()[*s.classify("0201K")].name, "可调整果园");
    EXPECT_TRUE(s.classify("08H2A"));
    EXPECT_TRUE(s.classify("1104A"));
    EXPECT_TRUE(s.classify("1107A"));
    EXPECT_FALSE(s.classify("9999"));
    EXPECT_FALSE(s.classify("101"));   // an integer field's 0101 is not guessed
    EXPECT_FALSE(s.classify("010101"));  // sandiao matches exactly
}

TEST(LandSchemeTest, SandiaoGroupsFollowIndicatorsSection63) {
    const auto s = LandScheme::load("sandiao");
    for (const char* c : {"0101", "0102", "0103"}) EXPECT_TRUE(group_has(s, "cultivated", c)) << c;
    EXPECT_EQ(group(s, "cultivated").classes.size(), 3u);
    // 建设用地 (三大类): 05–09, 1001–1005, 1007–1009, 1109, 1201, incl. 08H2A, 0810A, 0603 盐田.
    for (const char* c : {"05H1", "0508", "0601", "0603", "0701", "08H2A", "0810A", "09", "1004", "1005", "1007", "1109", "1201"})
        EXPECT_TRUE(group_has(s, "construction", c)) << c;
    for (const char* c : {"1006", "1101", "0101", "1202"}) EXPECT_FALSE(group_has(s, "construction", c)) << c;
    // 林地 (三调口径) excludes the wetland forests; K codes included.
    EXPECT_TRUE(group_has(s, "forest_land", "0307K"));
    EXPECT_FALSE(group_has(s, "forest_land", "0303"));
    EXPECT_EQ(group(s, "wetland").classes.size(), 8u);
    // Variants of 湿地 disagree on 水田 and are both present, named as variants.
    EXPECT_FALSE(group_has(s, "wetland", "0101"));
    EXPECT_TRUE(group_has(s, "wetland_resources", "0101"));
    EXPECT_EQ(group(s, "wetland").variant_of, "wetland");
    EXPECT_EQ(group(s, "wetland_resources").variant_of, "wetland");
    EXPECT_TRUE(group_has(s, "agricultural", "1104K"));
    EXPECT_TRUE(group_has(s, "agricultural", "1203"));
    EXPECT_TRUE(group_has(s, "unused", "1207"));
    EXPECT_FALSE(group_has(s, "water_class11", "1109"));
    EXPECT_TRUE(group_has(s, "park_green_square", "0810A"));
    EXPECT_EQ(group(s, "adjustable").classes.size(), 9u);  // 0201K–0204K, 0301K, 0302K, 0307K, 0403K, 1104K
    for (const auto& g : s.groups()) EXPECT_FALSE(g.source.empty()) << g.id;
}

TEST(LandSchemeTest, YdyhIsHierarchical) {
    const auto s = LandScheme::load("ydyh");
    EXPECT_EQ(s.classes()[*s.classify("070101")].code, "070101");
    EXPECT_EQ(s.classes()[*s.classify("070199")].code, "0701");  // unlisted 三级 → its 二级
    EXPECT_EQ(s.classes()[*s.classify("0899")].code, "08");
    EXPECT_EQ(s.classes()[*s.classify("1401")].name, "公园绿地");
    EXPECT_FALSE(s.classify("99"));
    EXPECT_TRUE(group_has(s, "wetland", "0507"));
    EXPECT_TRUE(group_has(s, "residential", "070101"));
    EXPECT_FALSE(group_has(s, "blue_green", "1403"));
}

TEST(LandSchemeTest, UserMappingExtendsBuiltIn) {
    test::TempDir dir;
    const auto path = dir / "local.yaml";
    std::ofstream(path) << "scheme: local\nextends: sandiao\nmapping:\n"
                           "  - {pattern: \"011\", class: \"0101\"}\n"
                           "  - {pattern: \"05?\", class: \"05H1\"}\n"
                           "  - \"L*\": \"1301\"\n"
                           "groups:\n  - {id: paddy, name: 水田, codes: [\"0101\"]}\n";
    const auto s = LandScheme::load(path.string());
    EXPECT_EQ(s.id(), "local");
    EXPECT_EQ(s.classes()[*s.classify("011")].code, "0101");
    EXPECT_EQ(s.classes()[*s.classify("052")].code, "05H1");
    EXPECT_EQ(s.classes()[*s.classify("LSYD")].code, "1301");
    EXPECT_EQ(s.classes()[*s.classify("0102")].code, "0102");  // built-in classes still apply
    EXPECT_EQ(group(s, "paddy").classes.size(), 1u);
    EXPECT_EQ(group(s, "cultivated").classes.size(), 3u);
}

TEST(LandSchemeTest, BadFilesAreInputErrors) {
    test::TempDir dir;
    const auto bad_class = dir / "bad.yaml";
    std::ofstream(bad_class) << "extends: sandiao\nmapping:\n  - {pattern: \"011\", class: \"7777\"}\n";
    EXPECT_THROW(LandScheme::load(bad_class.string()), InputError);
    const auto bad_key = dir / "bad2.yaml";
    std::ofstream(bad_key) << "extends: sandiao\nmappings: []\n";
    try {
        (void)LandScheme::load(bad_key.string());
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("mappings"), std::string::npos);
    }
    EXPECT_THROW(LandScheme::load("nosuchscheme"), UsageError);
}

TEST(LandSchemeTest, DataDirOverride) {
    test::TempDir dir;
    std::filesystem::create_directories(dir.path() / "schemes");
    std::ofstream(dir.path() / "schemes" / "sandiao.yaml") << "scheme: tiny\nclasses:\n  - {code: \"01\", name: x}\n";
    ::setenv("CITYCHECK_DATA_DIR", dir.path().c_str(), 1);
    const auto s = LandScheme::load("sandiao");
    ::unsetenv("CITYCHECK_DATA_DIR");
    EXPECT_EQ(s.id(), "tiny");
    EXPECT_EQ(s.classes().size(), 1u);
}

namespace {
// n random boxes: corners in [0, extent)², sides in [0, side).
std::vector<Box> random_boxes(std::mt19937& rng, std::size_t n, double extent, double side) {
    std::uniform_real_distribution<double> u(0, extent), w(0, side);
    std::vector<Box> boxes;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = u(rng), y = u(rng);
        boxes.push_back({x, y, x + w(rng), y + w(rng)});
    }
    return boxes;
}
// Random probes (sides up to probe_side) answer as a scan of every box, in ascending item order.
void expect_queries_like_brute_force(const BoxIndex& index, const std::vector<Box>& boxes, std::mt19937& rng, int probes, double extent,
                                     double probe_side) {
    std::uniform_real_distribution<double> u(0, extent), w(0, probe_side);
    for (int q = 0; q < probes; ++q) {
        const double x = u(rng), y = u(rng);
        const Box probe{x, y, x + w(rng), y + w(rng)};
        std::vector<std::uint32_t> got, want;
        index.query(probe, got);
        for (std::uint32_t i = 0; i < boxes.size(); ++i)
            if (boxes[i].intersects(probe)) want.push_back(i);
        ASSERT_EQ(got, want) << boxes.size() << " boxes";
    }
}
}  // namespace

TEST(BoxIndexTest, MatchesBruteForce) {
    std::mt19937 rng(7);
    const auto boxes = random_boxes(rng, 3000, 1000, 30);
    expect_queries_like_brute_force(BoxIndex(boxes, 8), boxes, rng, 200, 1000, 90);
    std::vector<std::uint32_t> none;
    BoxIndex().query(Box{0, 0, 1, 1}, none);
    EXPECT_TRUE(none.empty());
}

// Small trees (one item, one node, one node and one more) answer like brute force, and the packed
// groups hold every item once, each inside its group's box.
TEST(BoxIndexTest, SmallTreesAndGroupsCoverEveryItemOnce) {
    std::mt19937 rng(11);
    for (std::size_t n : {1, 2, 8, 9, 64, 65, 1000}) {
        const auto boxes = random_boxes(rng, n, 100, 10);
        const BoxIndex index(boxes, 8);
        expect_queries_like_brute_force(index, boxes, rng, 50, 100, 20);
        std::vector<int> seen(n, 0);
        for (std::size_t g = 0; g < index.group_count(); ++g) {
            const Box& gb = index.group_box(g);
            for (const std::uint32_t i : index.group_items(g)) {
                ++seen[i];
                EXPECT_TRUE(gb.xmin <= boxes[i].xmin && gb.ymin <= boxes[i].ymin && gb.xmax >= boxes[i].xmax && gb.ymax >= boxes[i].ymax) << n;
            }
        }
        EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), static_cast<long>(n)) << n;
    }
}
