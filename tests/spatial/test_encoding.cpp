#include <gtest/gtest.h>

#include <citycheck/spatial/encoding.hpp>

using namespace citycheck::spatial;

TEST(EncodingTest, ClassifyBytes) {
    EXPECT_EQ(classify_bytes("park 0810"), TextKind::ascii);
    EXPECT_EQ(classify_bytes("公园与绿地"), TextKind::utf8);
    const std::string gbk = recode("公园与绿地", "UTF-8", "CP936");
    EXPECT_EQ(gbk.size(), 10u);  // two bytes per character
    EXPECT_EQ(classify_bytes(gbk), TextKind::gbk);
    EXPECT_EQ(recode(gbk, "CP936"), "公园与绿地");
    EXPECT_EQ(classify_bytes(std::string("\xff\xfe", 2)), TextKind::unknown);
}

TEST(EncodingTest, NotAShapefile) { EXPECT_FALSE(shapefile_encoding("zones.gpkg").has_value()); }
