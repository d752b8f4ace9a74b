#include <gtest/gtest.h>

#include <fstream>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/csv_points.hpp>

#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::spatial;

namespace {
void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out << bytes;
}
}  // namespace

TEST(CsvPoints, DetectsDelimitersAndColumns) {
    for (const char d : {',', '\t', ';', '|'}) {
        std::string text = "name" + std::string(1, d) + "lon" + d + "lat" + d + "pop\n";
        text += "\"a" + std::string(1, d) + " b\"" + d + "116.4" + d + "39.9" + d + "10\r\n";
        text += "c" + std::string(1, d) + "116.5" + d + "39.8" + d + "2.5\n\n";
        CsvPointOptions o;
        o.value_column = "pop";
        const auto r = parse_csv_points(text, o, "t.csv");
        EXPECT_EQ(r.delimiter, d);
        ASSERT_EQ(r.points.size(), 2u);
        EXPECT_DOUBLE_EQ(r.points[0].x, 116.4);
        EXPECT_DOUBLE_EQ(r.points[1].y, 39.8);
        EXPECT_DOUBLE_EQ(r.value_total(), 12.5);
        EXPECT_EQ(r.points[1].line, 3);
        EXPECT_EQ(r.x_column, "lon");
    }
}

TEST(CsvPoints, MissingColumnListsTheColumns) {
    CsvPointOptions o;
    o.value_column = "population";
    try {
        parse_csv_points("x,y,pop\n1,2,3\n", o, "t.csv");
        FAIL();
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("population"), std::string::npos);
        EXPECT_NE(m.find("x, y, pop"), std::string::npos);
    }
}

TEST(CsvPoints, GbkFileWithABadRowFailsWithItsLineNumber) {
    test::TempDir dir;
    // GBK bytes: 经度 = BE AD B6 C8, 纬度 = CE B3 B6 C8, 人口 = C8 CB BF DA, 北京 = B1 B1 BE A9.
    const std::string jingdu = "\xBE\xAD\xB6\xC8", weidu = "\xCE\xB3\xB6\xC8", renkou = "\xC8\xCB\xBF\xDA",
                      beijing = "\xB1\xB1\xBE\xA9";
    std::string text = "name," + jingdu + "," + weidu + "," + renkou + "\n";
    text += beijing + ",116.40,39.90,100\n";
    text += beijing + ",116.41,39.91,abc\n";  // line 3: bad value
    text += beijing + ",116.42,,5\n";         // line 4: empty latitude
    text += beijing + ",116.43,39.93,7\n";
    const auto path = dir / "heat.csv";
    write_bytes(path, text);
    CsvPointOptions o;
    o.value_column = "人口";  // UTF-8 on our side; the file is GBK
    try {
        read_csv_points(path.string(), o);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("line 3"), std::string::npos) << m;
        EXPECT_NE(m.find("'abc'"), std::string::npos) << m;
        EXPECT_NE(m.find("line 4"), std::string::npos) << m;
        EXPECT_NE(m.find("--skip-bad-rows"), std::string::npos) << m;
        EXPECT_EQ(e.code(), ErrorCode::input);
    }
    o.skip_bad_rows = true;
    const auto r = read_csv_points(path.string(), o);
    EXPECT_EQ(r.encoding, "GBK");
    EXPECT_EQ(r.x_column, "经度");  // detected from the decoded header
    ASSERT_EQ(r.points.size(), 2u);
    EXPECT_DOUBLE_EQ(r.value_total(), 107);
    ASSERT_EQ(r.bad_rows.size(), 2u);
    EXPECT_EQ(r.bad_rows[0].line, 3);
    EXPECT_EQ(r.bad_rows[1].line, 4);
    EXPECT_NE(describe_bad_rows(r.bad_rows).find("2 rows"), std::string::npos);
}

TEST(CsvPoints, Utf8BomQuotedNewlinesAndLineNumbers) {
    test::TempDir dir;
    const std::string text =
        "\xEF\xBB\xBFid,x,y,v\n"
        "1,\"note\nspanning\",2,3\n"  // record at line 2 spans two lines; x is not a number
        "2,10,20,5\n";                // line 4
    write_bytes(dir / "a.csv", text);
    CsvPointOptions o;
    o.value_column = "v";
    o.skip_bad_rows = true;
    const auto r = read_csv_points((dir / "a.csv").string(), o);
    EXPECT_EQ(r.encoding, "UTF-8");
    ASSERT_EQ(r.points.size(), 1u);
    EXPECT_EQ(r.points[0].line, 4);
    ASSERT_EQ(r.bad_rows.size(), 1u);
    EXPECT_EQ(r.bad_rows[0].line, 2);
}

TEST(CsvPoints, ConvertsGcj02OnRead) {
    CsvPointOptions o;
    o.coords = CoordSystem::gcj02;
    const auto r = parse_csv_points("lng,lat\n116.41024449916938,39.91640428150164\n", o, "t.csv");
    ASSERT_EQ(r.points.size(), 1u);
    EXPECT_NEAR(r.points[0].x, 116.404, 1e-9);
    EXPECT_NEAR(r.points[0].y, 39.915, 1e-9);
    EXPECT_DOUBLE_EQ(r.points[0].value, 1.0);
    // Projected coordinates cannot be GCJ-02: reported as a bad row.
    EXPECT_THROW(parse_csv_points("x,y\n500000,4400000\n", o, "t.csv"), InputError);
}
