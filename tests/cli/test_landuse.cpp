#include <gtest/gtest.h>

#include <filesystem>

#include <fstream>

#include "../spatial/overlay_fixture.hpp"
#include "test_support.hpp"

using namespace citycheck;
using test::rect;

namespace {
constexpr double X0 = 500000, Y0 = 3300000;
std::string r(double x0, double y0, double x1, double y1) { return rect(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1); }

struct Data {
    test::TempDir dir;
    std::string parcels = (dir / "dltb.gpkg").string(), zones = (dir / "zones.gpkg").string();
    Data() {
        test::write_layer(parcels, "GPKG", "DLTB", 4547,
                          {{r(50, 0, 150, 100), {{"DLBM", "0101"}, {"CZCSXM", "203"}, {"TBDLMJ", "9000"}}},
                           {r(0, 0, 20, 20), {{"DLBM", "0701"}, {"CZCSXM", "201"}, {"TBDLMJ", "400"}}},
                           {r(160, 0, 170, 10), {{"DLBM", "X1"}, {"CZCSXM", "201"}, {"TBDLMJ", "100"}}}},
                          {}, {"TBDLMJ"});
        test::write_layer(zones, "GPKG", "zones", 4547, {{r(0, 0, 100, 100), {{"NAME", "北区"}}}, {r(100, 0, 200, 100), {{"NAME", "南区"}}}});
    }
    std::string base() const { return parcels + " --code-field DLBM --zones " + zones + " --id NAME "; }
};

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string l;
    while (std::getline(ss, l)) out.push_back(l);
    return out;
}
}  // namespace

TEST(LanduseCliTest, WideCsvWithGroupsAndUnknownCodes) {
    Data d;
    const auto out = (d.dir / "out.csv").string(), report = (d.dir / "report.json").string();
    const auto res = test::run_citycheck("landuse " + d.base() + "-o " + out + " --report " + report);
    ASSERT_EQ(res.exit_code, 0) << res.err;
    const auto rows = lines(test::read_file(out));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].rfind("zone_id,area_basis,zone_area_m2,surveyed_m2,unknown_m2,unknown_pct,cultivated_m2,cultivated_pct", 0), 0u);
    EXPECT_EQ(rows[1].rfind("北区,planar EPSG:4547,10000.000000,5400.000000,0.000000,0.000000,5000.000000,50.000000", 0), 0u) << rows[1];
    EXPECT_EQ(rows[2].rfind("南区,planar EPSG:4547,10000.000000,5100.000000,100.000000,1.000000,5000.000000,50.000000", 0), 0u) << rows[2];
    EXPECT_NE(res.err.find("unknown code 'X1'"), std::string::npos) << res.err;
    EXPECT_NE(test::read_file(report).find("\"code\": \"X1\""), std::string::npos);
    EXPECT_NE(test::read_file(report).find("\"reader\": \"gpkg-direct\""), std::string::npos);
    // The OGR reader on demand, with the same table.
    const auto out_ogr = (d.dir / "out-ogr.csv").string();
    const auto ogr = test::run_command("CITYCHECK_GPKG_DIRECT=0 '" + test::citycheck_binary() + "' landuse " + d.base() + "-o " + out_ogr +
                                       " --report " + report);
    ASSERT_EQ(ogr.exit_code, 0) << ogr.err;
    EXPECT_EQ(test::read_file(out_ogr), test::read_file(out));
    EXPECT_NE(test::read_file(report).find("\"reader\": \"ogr\""), std::string::npos);
}

TEST(LanduseCliTest, LongFormatFieldAreaAndCzcsxmFilter) {
    Data d;
    const auto out = (d.dir / "long.csv").string();
    const auto res = test::run_citycheck("landuse " + d.base() + "--area field:TBDLMJ --czcsxm 201,202 --format long -o " + out);
    ASSERT_EQ(res.exit_code, 0) << res.err;
    const auto text = test::read_file(out);
    EXPECT_EQ(text.rfind("zone_id,kind,class,name,area_m2,share_pct,area_basis\n", 0), 0u);
    // Only 城镇 parcels: the 0701 parcel (TBDLMJ 400) in 北区; the 203 farmland is filtered out.
    EXPECT_NE(text.find("北区,class,0701,城镇住宅用地,400.000000,"), std::string::npos);
    EXPECT_NE(text.find("北区,class,0101,水田,0.000000,"), std::string::npos);
    EXPECT_NE(text.find("field TBDLMJ"), std::string::npos);
}

TEST(LanduseCliTest, GpkgOutputAndUsageErrors) {
    Data d;
    const auto out = (d.dir / "out.gpkg").string();
    ASSERT_EQ(test::run_citycheck("landuse " + d.base() + "--scheme ydyh --area ellipsoidal -o " + out).exit_code, 0);
    auto info = test::run_citycheck("info " + out);
    EXPECT_NE(info.out.find("landuse"), std::string::npos);
    EXPECT_EQ(test::run_citycheck("landuse " + d.base() + "--area geodesic -o " + out).exit_code, 2);
    EXPECT_EQ(test::run_citycheck("landuse " + d.base() + "--scheme nosuch -o " + out).exit_code, 2);
    EXPECT_EQ(test::run_citycheck("landuse " + d.base() + "-o out.docx").exit_code, 2);
    EXPECT_EQ(test::run_citycheck("landuse " + d.base() + "--code-field NOPE -o " + out).exit_code, 2);
    EXPECT_EQ(test::run_citycheck("landuse /no/such.gpkg --code-field DLBM --zones " + d.zones + " -o " + out).exit_code, 3);
}

// Zones are read while the parcels are: an error in either is reported whole (the parcels' when
// both fail, as if they were read in turn), never a crash of the other half.
TEST(LanduseCliTest, ErrorsOfParcelsAndZonesReadAtTheSameTime) {
    Data d;
    const std::string out = (d.dir / "out.csv").string();
    for (const char* threads : {"1", "2"}) {
        const auto zones_bad = test::run_citycheck(std::string("--threads ") + threads + " landuse " + d.parcels +
                                                   " --code-field DLBM --zones /no/such/zones.gpkg --id NAME -o " + out);
        EXPECT_EQ(zones_bad.exit_code, 3) << zones_bad.err;
        EXPECT_NE(zones_bad.err.find("/no/such/zones.gpkg"), std::string::npos) << zones_bad.err;
        const auto field_bad = test::run_citycheck(std::string("--threads ") + threads + " landuse " + d.parcels +
                                                   " --code-field DLBM --zones " + d.zones + " --id NOSUCHFIELD -o " + out);
        EXPECT_NE(field_bad.exit_code, 0);
        EXPECT_NE(field_bad.err.find("NOSUCHFIELD"), std::string::npos) << field_bad.err;
        const auto both_bad = test::run_citycheck(std::string("--threads ") + threads + " landuse " + d.parcels +
                                                  " --code-field NOPE --zones /no/such/zones.gpkg --id NAME -o " + out);
        EXPECT_EQ(both_bad.exit_code, 2) << both_bad.err;  // the parcels' usage error, not the zones' input error
        EXPECT_NE(both_bad.err.find("NOPE"), std::string::npos) << both_bad.err;
        EXPECT_FALSE(std::filesystem::exists(out));
    }
}
