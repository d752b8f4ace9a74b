#include <gtest/gtest.h>

#include <citycheck/engine/yaml_check.hpp>

using namespace citycheck::engine;

TEST(YamlCheckTest, EditDistanceCountsCodePoints) {
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("街道", "街道"), 0u);
    EXPECT_EQ(edit_distance("社区", "社会"), 1u);  // one character, though three bytes
}

TEST(YamlCheckTest, SuggestsOnlyCloseWords) {
    EXPECT_EQ(suggest("indicator", {"indicators", "datasets"}), "indicators");
    EXPECT_EQ(suggest("dataset", {"indicators", "datasets"}), "datasets");
    EXPECT_EQ(suggest("completely_different", {"zones", "datasets"}), "");
    EXPECT_NE(unknown_key_message("zone", {"zones", "crs"}).find("did you mean 'zones'"), std::string::npos);
}

TEST(YamlCheckTest, CheckMapReportsEveryUnknownKeyWithItsPath) {
    const auto node = YAML::Load("a: 1\nbb: 2\nzz: 3\n");
    Issues issues;
    EXPECT_TRUE(check_map(node, "root", {"a", "b"}, issues));
    ASSERT_EQ(issues.errors().size(), 2u);
    EXPECT_EQ(issues.errors()[0].path, "root.bb");
    EXPECT_EQ(issues.errors()[0].line, 2);
    EXPECT_NE(issues.errors()[0].message.find("did you mean 'b'"), std::string::npos);
    EXPECT_EQ(issues.errors()[1].path, "root.zz");
}

TEST(YamlCheckTest, YamlToJsonKeepsTypes) {
    const auto j = yaml_to_json(YAML::Load("{n: 3, f: 0.5, s: '0101', b: true, q: \"12\", l: [1, x]}"));
    EXPECT_TRUE(j["n"].is_number_integer());
    EXPECT_TRUE(j["f"].is_number_float());
    EXPECT_TRUE(j["s"].is_string());  // quoted codes stay text
    EXPECT_EQ(j["s"], "0101");
    EXPECT_TRUE(j["b"].is_boolean());
    EXPECT_TRUE(j["q"].is_string());
    EXPECT_EQ(j["l"][1], "x");
}
