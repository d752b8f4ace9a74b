// The direct GeoPackage reader (SQLite, no OGR features) against the OGR reader: the same parcels
// to the last byte, for ordinary and odd geometries, integer codes, filters, null areas and a
// layer large enough to be read in parallel FID ranges; and the cases that must go to OGR.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tbb/task_arena.h>

#include <citycheck/core/error.hpp>
#include <citycheck/core/progress.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/spatial/overlay.hpp>

#include "../../spatial/src/gpkg_direct.hpp"
#include "overlay_fixture.hpp"
#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::spatial;

namespace {

constexpr double X0 = 500000, Y0 = 3300000;  // EPSG:4547

std::string square(double x, double y, double s) { return test::rect(X0 + x, Y0 + y, X0 + x + s, Y0 + y + s); }

struct Parcel {
    std::string wkt;  // empty: no geometry
    std::optional<std::string> code;  // DLBM (text)
    std::optional<std::int64_t> int_code;  // DM32 (OFTInteger) and DM64 (OFTInteger64)
    std::string czcsxm = "201";
    std::optional<double> area;  // TBDLMJ (real) and MJ_INT (integer, truncated)
};

// A GeoPackage layer DLTB of any geometry type, without spatial index (so that blobs can be
// rewritten with plain SQL), with text, integer and real fields and fids 1, 2, 3 …
void write_parcels(const std::string& path, const std::vector<Parcel>& parcels, int epsg = 4547) {
    GdalEnvironment::ensure();
    GDALDataset* ds = driver("GPKG").Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* options[] = {"SPATIAL_INDEX=NO", nullptr};
    OGRLayer* layer = ds->CreateLayer("DLTB", &srs, wkbUnknown, const_cast<char**>(options));
    ASSERT_NE(layer, nullptr);
    const std::pair<const char*, OGRFieldType> fields[] = {{"DLBM", OFTString},   {"DM32", OFTInteger}, {"DM64", OFTInteger64},
                                                           {"CZCSXM", OFTString}, {"TBDLMJ", OFTReal},  {"MJ_INT", OFTInteger},
                                                           {"RCODE", OFTReal}};
    for (const auto& [name, type] : fields) {
        OGRFieldDefn fd(name, type);
        ASSERT_EQ(layer->CreateField(&fd), OGRERR_NONE);
    }
    OGRFieldDefn flag("FLAG", OFTInteger);
    flag.SetSubType(OFSTBoolean);
    ASSERT_EQ(layer->CreateField(&flag), OGRERR_NONE);
    ASSERT_EQ(ds->StartTransaction(), OGRERR_NONE);
    for (const auto& p : parcels) {
        OGRFeature f(layer->GetLayerDefn());
        if (p.code) f.SetField("DLBM", p.code->c_str());
        if (p.int_code) {
            f.SetField("DM32", static_cast<int>(*p.int_code));
            f.SetField("DM64", static_cast<GIntBig>(*p.int_code));
            f.SetField("RCODE", static_cast<double>(*p.int_code));
            f.SetField("FLAG", static_cast<int>(*p.int_code % 2));
        }
        f.SetField("CZCSXM", p.czcsxm.c_str());
        if (p.area) {
            f.SetField("TBDLMJ", *p.area);
            f.SetField("MJ_INT", static_cast<int>(*p.area));
        }
        if (!p.wkt.empty()) {
            OGRGeometry* g = nullptr;
            ASSERT_EQ(OGRGeometryFactory::createFromWkt(p.wkt.c_str(), nullptr, &g), OGRERR_NONE) << p.wkt;
            f.SetGeometryDirectly(g);
        }
        ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE) << CPLGetLastErrorMsg();
    }
    ASSERT_EQ(ds->CommitTransaction(), OGRERR_NONE);
    GDALClose(ds);
}

// Runs SQL statements on the file through GDAL.
void run_sql(const std::string& path, const std::vector<std::string>& statements) {
    GDALDataset* ds = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE);
    ASSERT_NE(ds, nullptr);
    for (const auto& sql : statements) {
        CPLErrorReset();
        OGRLayer* res = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
        if (res) ds->ReleaseResultSet(res);
        ASSERT_EQ(CPLGetLastErrorType(), CE_None) << sql << ": " << CPLGetLastErrorMsg();
    }
    GDALClose(ds);
}

// WKB and GeoPackage blobs written byte by byte, in either byte order.
struct Bytes {
    std::vector<unsigned char> v;
    bool big = false;
    void u8(unsigned x) { v.push_back(static_cast<unsigned char>(x)); }
    void u32(std::uint32_t x) {
        for (int i = 0; i < 4; ++i) u8((x >> (big ? 24 - 8 * i : 8 * i)) & 0xffu);
    }
    void f64(double d) {
        std::uint64_t x = 0;
        std::memcpy(&x, &d, 8);
        for (int i = 0; i < 8; ++i) u8(static_cast<unsigned>((x >> (big ? 56 - 8 * i : 8 * i)) & 0xffu));
    }
    void append(const std::vector<unsigned char>& w) { v.insert(v.end(), w.begin(), w.end()); }
};

// A square polygon as WKB with the given type code; z: a third coordinate per point.
std::vector<unsigned char> square_wkb(bool big, double x, double y, double s, std::uint32_t type = 3, bool z = false) {
    Bytes b;
    b.big = big;
    b.u8(big ? 0 : 1);
    b.u32(type);
    b.u32(1);
    b.u32(5);
    const double pts[5][2] = {{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}};
    for (const auto& p : pts) {
        b.f64(X0 + p[0]);
        b.f64(Y0 + p[1]);
        if (z) b.f64(42);
    }
    return b.v;
}

std::vector<unsigned char> blob(bool big_header, unsigned envelope_code, unsigned extra_flags, const std::vector<unsigned char>& wkb) {
    Bytes b;
    b.big = big_header;
    b.u8('G');
    b.u8('P');
    b.u8(0);
    b.u8((big_header ? 0u : 1u) | (envelope_code << 1) | extra_flags);
    b.u32(4547);
    const int doubles[] = {0, 4, 6, 6, 8};
    for (int i = 0; i < (envelope_code <= 4 ? doubles[envelope_code] : 0); ++i) b.f64(0);
    b.append(wkb);
    return b.v;
}

std::string hex(const std::vector<unsigned char>& bytes) {
    static const char* digits = "0123456789ABCDEF";
    std::string out = "X'";
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out + "'";
}

std::string set_geometry(int fid, const std::vector<unsigned char>& bytes) {
    return "UPDATE DLTB SET geom = " + hex(bytes) + " WHERE fid = " + std::to_string(fid);
}

// Ordinary and odd features, each with a fid (1-based, in this order).
std::vector<Parcel> mixed_parcels() {
    std::vector<Parcel> p = {
        {square(0, 0, 20), "0101", 101, "201", 400.0},                                                     // 1
        {"MULTIPOLYGON(((500000 3300030,500010 3300030,500010 3300040,500000 3300030)),"
         "((500050 3300030,500060 3300030,500060 3300040,500050 3300030)))",
         "0201", 201, "202", std::nullopt},                                                                // 2
        {"", "0301", 301, "201", 10.0},                                                                    // 3 no geometry
        {"POLYGON EMPTY", "0301", 301, "201", 10.0},                                                       // 4
        {"POLYGON Z ((500100 3300000 5,500120 3300000 6,500120 3300020 7,500100 3300000 5))", "0701", 701, "201", 200.5},  // 5
        {"CURVEPOLYGON(CIRCULARSTRING(500200 3300000,500220 3300020,500200 3300040,500180 3300020,500200 3300000))", "0702", 702,
         "203", 1256.6},                                                                                   // 6
        {"POINT(500300 3300000)", "1001", 1001, "201", 1.0},                                              // 7
        {"GEOMETRYCOLLECTION(POLYGON((500400 3300000,500410 3300000,500410 3300010,500400 3300000)),"
         "LINESTRING(500400 3300000,500500 3300000))",
         "1003", 1003, "201", 50.0},                                                                       // 8
        {"POLYGON((500500 3300000,500600 3300000,500600 3300100,500500 3300100,500500 3300000),"
         "(500520 3300020,500520 3300040,500540 3300040,500540 3300020,500520 3300020))",
         "  0101 ", 101, "201", 9600.0},                                                                   // 9 code with blanks
        {"POLYGON((500700 3300000,500720 3300020,500720 3300000,500700 3300020,500700 3300000))", "0601", 601, "201", 200.0},  // 10 bowtie
        {square(800, 0, 10), std::nullopt, std::nullopt, "201", std::nullopt},                             // 11 null code and area
        {"POLYGON M ((500900 3300000 1,500910 3300000 2,500910 3300010 3,500900 3300000 1))", "1101", 1101, "201", 50.0},  // 12
        {"MULTIPOLYGON EMPTY", "1101", 1101, "201", 0.0},                                                  // 13
        {"MULTIPOLYGON(((501000 3300000,501010 3300000,501010 3300010,501000 3300000)),"
         "((501020 3300000,501030 3300000,501030 3300010,501020 3300000),(501021 3300001,501022 3300001,501022 3300002,501021 3300001)))",
         "-12", -12, "202", -3.0},                                                                         // 14 negative codes
    };
    for (int k = 0; k < 12; ++k) p.push_back({square(1100 + 20 * k, 0, 10), "0" + std::to_string(1101 + k), 1101 + k, "201", 100.25 + k});
    return p;  // 15 … 26 get odd blobs and values below
}

// Geometry blobs GDAL itself never writes, and values stored against a column's declared type.
std::vector<std::string> odd_patches() {
    Bytes trailing;
    trailing.append(square_wkb(false, 1140, 0, 10));
    trailing.u32(0xdeadbeef);
    Bytes multi_mixed;  // little-endian multipolygon with a big-endian part
    multi_mixed.u8(1);
    multi_mixed.u32(6);
    multi_mixed.u32(2);
    multi_mixed.append(square_wkb(false, 1200, 0, 10));
    multi_mixed.append(square_wkb(true, 1220, 0, 5));
    Bytes empty_ring;  // a polygon whose only ring has no point: OGR calls it empty
    empty_ring.u8(1);
    empty_ring.u32(3);
    empty_ring.u32(1);
    empty_ring.u32(0);
    return {
        set_geometry(15, blob(true, 1, 0, square_wkb(true, 1100, 0, 10))),           // big-endian header and WKB
        set_geometry(16, blob(false, 1, 0, square_wkb(true, 1120, 0, 10))),          // big-endian WKB only
        set_geometry(17, blob(false, 2, 0, trailing.v)),                             // XYZ envelope; bytes after the WKB
        set_geometry(18, blob(false, 0, 0x10, square_wkb(false, 1160, 0, 10))),      // empty flag on a real polygon
        set_geometry(19, blob(false, 4, 0, multi_mixed.v)),                          // XYZM envelope, mixed byte orders
        set_geometry(20, blob(false, 1, 0x20, square_wkb(false, 1200, 40, 10))),     // extended flag
        set_geometry(21, blob(false, 0, 0, empty_ring.v)),                           // empty ring
        set_geometry(22, blob(false, 0, 0, square_wkb(false, 1240, 40, 10, 0x80000003u, true))),  // old 2.5D type code
        set_geometry(23, blob(true, 3, 0, square_wkb(true, 1260, 40, 10, 1003, true))),            // ISO Z, big-endian
        // Values against the declared type (SQLite keeps what does not convert):
        "UPDATE DLTB SET DM32 = 1.5, DM64 = 'abc', DLBM = 105, MJ_INT = 2.75, TBDLMJ = '12.5' WHERE fid = 24",
        "UPDATE DLTB SET DM32 = 4294967297, MJ_INT = 'x7', DLBM = X'303130310032' WHERE fid = 25",
        "UPDATE DLTB SET DLBM = '', DM64 = 9007199254740993 WHERE fid = 26",
    };
}

struct Load {
    std::string code_field = "DLBM";
    std::string area = "planar";
    std::string where;
    std::vector<std::string> czcsxm;
};

ParcelSet load(const std::string& path, bool direct, const Load& l = {}) {
    ParcelSource ps;
    ps.path = path;
    ps.code_field = l.code_field;
    ps.where = l.where;
    ps.czcsxm = l.czcsxm;
    ps.gpkg_direct = direct;
    return load_parcels(ps, AreaSpec::parse(l.area));
}

template <class T, class A>
bool same_bits(const std::vector<T, A>& a, const std::vector<T, A>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

void expect_same(const ParcelSet& a, const ParcelSet& b, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(a.fid, b.fid);
    EXPECT_EQ(a.codes, b.codes);
    EXPECT_EQ(a.code_of, b.code_of);
    EXPECT_TRUE(same_bits(a.planar_area, b.planar_area));
    EXPECT_TRUE(same_bits(a.basis_area, b.basis_area));
    EXPECT_TRUE(same_bits(a.field_area, b.field_area));
    EXPECT_TRUE(same_bits(a.boxes, b.boxes));
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto ga = a.geometry(i), gb = b.geometry(i);
        ASSERT_TRUE(std::equal(ga.begin(), ga.end(), gb.begin(), gb.end())) << "parcel " << i;
    }
    EXPECT_EQ(a.crs.to_user_string(), b.crs.to_user_string());
    const InputReport &x = a.report, &y = b.report;
    EXPECT_EQ(x.read, y.read);
    EXPECT_EQ(x.used, y.used);
    EXPECT_EQ(x.null_geometry, y.null_geometry);
    EXPECT_EQ(x.empty_geometry, y.empty_geometry);
    EXPECT_EQ(x.non_polygonal, y.non_polygonal);
    EXPECT_EQ(x.repaired, y.repaired);
    EXPECT_EQ(std::memcmp(&x.repair_area_change_m2, &y.repair_area_change_m2, sizeof(double)), 0);
    EXPECT_EQ(x.null_code, y.null_code);
    EXPECT_EQ(x.null_area_field, y.null_area_field);
    EXPECT_EQ(x.warnings, y.warnings);
    EXPECT_EQ(x.repaired_examples, y.repaired_examples);
}

// Sets an environment variable for the life of the object.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        ::setenv(name, value, 1);
    }
    ~ScopedEnv() {
        if (m_old) ::setenv(m_name, m_old->c_str(), 1);
        else ::unsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    const char* m_name;
    std::optional<std::string> m_old;
};

struct MixedFile {
    test::TempDir dir;
    std::string path = (dir / "mixed.gpkg").string();
    MixedFile() {
        write_parcels(path, mixed_parcels());
        run_sql(path, odd_patches());
    }
};

}  // namespace

TEST(GpkgDirectTest, ParcelsThatLoseTheirPolygonInPreparationLeaveTheOthersWhole) {
    // A collinear "polygon" (made valid, it is a line) and a collection of a point pass the read
    // but have no polygon once prepared; the parcels around them keep their own fid, code, area,
    // box and geometry, for both readers and any thread count.
    test::TempDir dir;
    const auto path = (dir / "dropped.gpkg").string();
    const auto p = [](double x) { return std::to_string(X0 + x) + " " + std::to_string(Y0); };
    write_parcels(path, {{square(0, 0, 10), "0101", 1, "201", std::nullopt},
                         {"POLYGON ((" + p(0) + ", " + p(10) + ", " + p(20) + ", " + p(0) + "))", "0102", 2, "201", std::nullopt},
                         {square(100, 0, 20), "0201", 3, "201", std::nullopt},
                         {"GEOMETRYCOLLECTION (POINT (" + p(5) + "))", "0301", 4, "201", std::nullopt},
                         {square(200, 0, 30), "0401", 5, "201", std::nullopt}});
    GeosContext ctx;
    for (const bool direct : {true, false})
        for (const int threads : {1, 2}) {
            tbb::task_arena arena(threads);
            const auto s = arena.execute([&] { return load(path, direct, {}); });
            SCOPED_TRACE(s.reader + ", " + std::to_string(threads) + " thread(s)");
            EXPECT_EQ(s.report.non_polygonal, 2u);
            ASSERT_EQ(s.size(), 3u);
            const std::int64_t fids[] = {1, 3, 5};
            const char* codes[] = {"0101", "0201", "0401"};
            const double sides[] = {10, 20, 30};
            for (std::size_t i = 0; i < 3; ++i) {
                EXPECT_EQ(s.fid[i], fids[i]);
                EXPECT_EQ(s.codes[s.code_of[i]], codes[i]);
                EXPECT_NEAR(s.planar_area[i], sides[i] * sides[i], 1e-6);
                EXPECT_NEAR(s.boxes[i].xmax - s.boxes[i].xmin, sides[i], 1e-6);
                EXPECT_NEAR(ctx.area(*ctx.from_wkb(s.geometry(i))), sides[i] * sides[i], 1e-6);
            }
        }
}

TEST(GpkgDirectTest, OddGeometriesAndValuesReadExactlyAsOgrReadsThem) {
    MixedFile f;
    for (const char* code : {"DLBM", "DM32", "DM64"})
        for (const char* area : {"planar", "ellipsoidal", "field:TBDLMJ", "field:MJ_INT"}) {
            const Load l{code, area, {}, {}};
            const auto direct = load(f.path, true, l), ogr = load(f.path, false, l);
            ASSERT_EQ(direct.reader, "gpkg-direct") << code << " " << area;  // fails if the fast path is silently skipped
            ASSERT_EQ(ogr.reader, "ogr");
            expect_same(direct, ogr, std::string(code) + " " + area);
        }
    // The fixture does exercise every count (checked on the OGR side, which is the reference).
    const auto ogr = load(f.path, false, {"DLBM", "field:TBDLMJ", {}, {}});
    EXPECT_EQ(ogr.report.read, 26u);
    EXPECT_EQ(ogr.report.null_geometry, 1u);
    EXPECT_GE(ogr.report.empty_geometry, 3u);  // POLYGON EMPTY, MULTIPOLYGON EMPTY, the empty ring
    EXPECT_GE(ogr.report.non_polygonal, 1u);   // the point
    EXPECT_GE(ogr.report.repaired, 1u);        // the bowtie
    EXPECT_GE(ogr.report.null_code, 2u);       // fid 11 and the '' of fid 26
    EXPECT_GE(ogr.report.null_area_field, 2u);
    const auto fid = [&](std::int64_t id) { return std::find(ogr.fid.begin(), ogr.fid.end(), id) != ogr.fid.end(); };
    for (std::int64_t id : {1, 2, 5, 6, 9, 12, 14, 15, 16, 17, 18, 19, 20, 22}) EXPECT_TRUE(fid(id)) << "fid " << id;
    // What GetFieldAsString gives for values stored against the column type.
    const auto code_of_fid = [](const ParcelSet& s, std::int64_t id) {
        const auto at = static_cast<std::size_t>(std::find(s.fid.begin(), s.fid.end(), id) - s.fid.begin());
        return at < s.size() ? s.codes[s.code_of[at]] : std::string("(missing)");
    };
    EXPECT_EQ(code_of_fid(ogr, 24), "105");
    EXPECT_EQ(code_of_fid(ogr, 25), "0101");  // the text ends at the NUL byte
    EXPECT_EQ(code_of_fid(ogr, 9), "0101");   // trimmed
    EXPECT_EQ(code_of_fid(load(f.path, false, {"DM32", "planar", {}, {}}), 24), "1");
    EXPECT_EQ(code_of_fid(load(f.path, false, {"DM64", "planar", {}, {}}), 24), "0");
}

TEST(GpkgDirectTest, WhereAndCzcsxmFiltersSelectTheSameParcels) {
    MixedFile f;
    const Load loads[] = {{"DLBM", "planar", "DLBM <> '0201' AND DM32 < 1105", {}},
                          {"DM32", "field:TBDLMJ", {}, {"201", "202"}},
                          {"DM64", "planar", "TBDLMJ IS NOT NULL", {"203"}}};
    for (const auto& l : loads) {
        const auto direct = load(f.path, true, l), ogr = load(f.path, false, l);
        ASSERT_EQ(direct.reader, "gpkg-direct");
        expect_same(direct, ogr, l.where + " / " + std::to_string(l.czcsxm.size()));
        EXPECT_LT(ogr.report.read, 26u);
        EXPECT_GT(ogr.report.read, 0u);
    }
}

TEST(GpkgDirectTest, LargeLayerReadInParallelRangesIsTheSameForAnyThreadCount) {
    // 246 × 246 small squares (60 516 > 50 000, so FID ranges run in parallel), a few odd ones.
    test::TempDir dir;
    const auto path = (dir / "large.gpkg").string();
    constexpr int side = 246;
    std::vector<Parcel> parcels;
    parcels.reserve(side * side);
    const char* codes[] = {"0101", "0201", "0301", "0701", "1101"};
    std::size_t collinear = 0;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const int i = y * side + x;
            Parcel p{square(10.0 * x, 10.0 * y, 10), codes[i % 5], 100 + i % 7, i % 3 ? "201" : "203", std::nullopt};
            if (i % 11) p.area = i * 0.5;
            if (i % 997 == 0) p.wkt.clear();
            if (i % 1009 == 0) p.wkt = "POLYGON EMPTY";
            const auto at = [&](double dx, double dy) { return std::to_string(X0 + 10.0 * x + dx) + " " + std::to_string(Y0 + 10.0 * y + dy); };
            const bool patched = i % 997 == 0 || i % 1009 == 0 || i == 4999 || (i >= 29999 && i <= 30009) || (i >= 39999 && i <= 40099);
            if (!patched && i % 1013 == 0) {  // collinear: no polygon once made valid, dropped in preparation
                p.wkt = "POLYGON ((" + at(0, 0) + ", " + at(5, 0) + ", " + at(10, 0) + ", " + at(0, 0) + "))";
                ++collinear;
            }
            if (!patched && i % 1019 == 0)  // a bow-tie: repaired into two triangles of 25 m², its WKB rewritten
                p.wkt = "POLYGON ((" + at(0, 0) + ", " + at(10, 10) + ", " + at(10, 0) + ", " + at(0, 10) + ", " + at(0, 0) + "))";
            parcels.push_back(std::move(p));
        }
    write_parcels(path, parcels);
    run_sql(path, {set_geometry(5000, blob(true, 1, 0, square_wkb(true, 0, 5000, 10))),
                   "UPDATE DLTB SET geom = NULL WHERE fid BETWEEN 30000 AND 30010", "DELETE FROM DLTB WHERE fid BETWEEN 40000 AND 40100"});
    const auto in_arena = [&](int threads, bool direct, const Load& l) {
        tbb::task_arena arena(threads);
        return arena.execute([&] { return load(path, direct, l); });
    };
    // Field and planar parcels are measured as they are read; ellipsoidal ones are all prepared
    // afterwards, pointing into the read's buffers.
    for (const Load& l : {Load{"DLBM", "field:TBDLMJ", {}, {}}, Load{"DM32", "planar", "DM64 <> 103", {"203"}}, Load{"DLBM", "ellipsoidal", {}, {}}}) {
        const auto reference = in_arena(1, false, l);
        EXPECT_GT(reference.size(), 10000u);
        for (int threads : {1, 2}) {
            const auto direct = in_arena(threads, true, l);
            ASSERT_EQ(direct.reader, "gpkg-direct");
            expect_same(direct, reference, "direct, " + std::to_string(threads) + " thread(s), " + l.code_field);
        }
        expect_same(in_arena(2, false, l), reference, "ogr, 2 threads, " + l.code_field);
    }
    // Against absolute values, after parcels were dropped in preparation all over the layer: every
    // kept parcel's area, box and geometry are its own (squares of 100 m², bow-ties of 50 m²).
    const auto s = in_arena(2, true, Load{"DLBM", "planar", {}, {}});
    EXPECT_GT(collinear, 50u);
    EXPECT_EQ(s.report.non_polygonal, collinear);
    GeosContext ctx;
    std::size_t bowties = 0;
    for (std::size_t k = 0; k < s.size(); ++k) {
        const auto i = s.fid[k] - 1;  // fids 1, 2, 3 … in write order
        ASSERT_TRUE(i == 0 || i % 1013 != 0 || i % 997 == 0 || i % 1009 == 0) << "fid " << s.fid[k];
        const bool bowtie = i > 0 && i % 1019 == 0 && i % 997 != 0 && i % 1009 != 0;
        const double expected = bowtie ? 50.0 : 100.0;
        bowties += bowtie;
        ASSERT_NEAR(s.planar_area[k], expected, 1e-6) << "fid " << s.fid[k];
        ASSERT_NEAR(ctx.area(*ctx.from_wkb(s.geometry(k))), expected, 1e-6) << "fid " << s.fid[k];
        ASSERT_NEAR(s.boxes[k].xmax - s.boxes[k].xmin, 10, 1e-9) << "fid " << s.fid[k];
    }
    EXPECT_GT(bowties, 50u);
    // Lon/lat parcels are all reprojected, so no parcel points into the read's buffers, which are
    // freed: the same for any thread count and either reader (ASan checks that nothing dangles).
    std::vector<Parcel> lonlat;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const double lon = 114.2 + 1e-4 * x, lat = 30.1 + 1e-4 * y;
            lonlat.push_back({test::rect(lon, lat, lon + 1e-4, lat + 1e-4), codes[(x + y) % 5], 1, "201", 1.0});
        }
    const auto ll_path = (dir / "lonlat.gpkg").string();
    write_parcels(ll_path, lonlat, 4490);
    const auto ll_reference = [&] {
        tbb::task_arena arena(1);
        return arena.execute([&] { return load(ll_path, false); });
    }();
    EXPECT_EQ(ll_reference.size(), lonlat.size());
    EXPECT_EQ(ll_reference.crs.epsg(), 4547);
    EXPECT_NEAR(ll_reference.planar_area[0], 9.63 * 11.09, 0.5);  // 1e-4° of longitude by 1e-4° of latitude at 30.1° N
    for (int threads : {1, 2}) {
        tbb::task_arena arena(threads);
        expect_same(arena.execute([&] { return load(ll_path, true); }), ll_reference, "lon/lat, direct, " + std::to_string(threads));
    }
    // A parameter in the user's filter would take the place of the range's: OGR reads the layer.
    const Load with_parameter{"DLBM", "planar", "DM64 <> ? OR 1 = 1", {}};
    const auto via_ogr = in_arena(2, true, with_parameter);
    EXPECT_EQ(via_ogr.reader, "ogr");
    expect_same(via_ogr, in_arena(1, false, with_parameter), "a filter with an SQL parameter");
    // The ranges read in parallel report progress as they go (both readers), so a cancel (the
    // user's, or `landuse` when the zones failed) stops the reading itself, not only what follows.
    for (bool direct : {true, false}) {
        SCOPED_TRACE(direct ? "direct" : "ogr");
        ParcelSource ps;
        ps.path = path;
        ps.code_field = "DLBM";
        ps.gpkg_direct = direct;
        std::vector<double> reading;
        const Progress record([&](double f, std::string_view stage) {
            if (stage == "reading parcels") reading.push_back(f);
            return true;
        });
        tbb::task_arena(2).execute([&] { (void)load_parcels(ps, AreaSpec{}, record); });
        EXPECT_GT(std::count_if(reading.begin(), reading.end(), [](double f) { return f > 0 && f < 1; }), 2);
        bool preparing = false;
        const Progress cancel_while_reading([&](double f, std::string_view stage) {
            preparing = preparing || stage != "reading parcels";
            return !(stage == "reading parcels" && f > 0.1);
        });
        EXPECT_THROW(tbb::task_arena(2).execute([&] { (void)load_parcels(ps, AreaSpec{}, cancel_while_reading); }), Cancelled);
        EXPECT_FALSE(preparing);  // stopped during the read
    }
}

TEST(GpkgDirectTest, OgrReadsWhatTheDirectReaderCannotRepeatExactly) {
    MixedFile f;
    const auto ogr = load(f.path, false);
    {
        const ScopedEnv off("CITYCHECK_GPKG_DIRECT", "0");
        const auto s = load(f.path, true);
        EXPECT_EQ(s.reader, "ogr");
        expect_same(s, ogr, "CITYCHECK_GPKG_DIRECT=0");
    }
    {
        const ScopedEnv on("CITYCHECK_GPKG_DIRECT", "1");
        EXPECT_EQ(load(f.path, true).reader, "gpkg-direct");
    }
    // A filter with a function only GDAL's connection has, LIKE, codes OGR formats or clamps.
    const Load to_ogr[] = {{"DLBM", "planar", "ST_IsEmpty(geom) = 0", {}},
                           {"DLBM", "planar", "DLBM LIKE '01%'", {}},
                           {"RCODE", "planar", {}, {}},
                           {"FLAG", "planar", {}, {}},
                           {"DLBM", "field:DLBM", {}, {}}};
    for (const auto& l : to_ogr) {
        const auto s = load(f.path, true, l);
        EXPECT_EQ(s.reader, "ogr") << l.where << " " << l.code_field << " " << l.area;
        expect_same(s, load(f.path, false, l), l.where + " " + l.code_field + " " + l.area);
    }
    // Not a GeoPackage.
    const auto shp = (f.dir / "p.shp").string();
    test::write_layer(shp, "ESRI Shapefile", "p", 4547, {{square(0, 0, 10), {{"DLBM", "0101"}}}});
    EXPECT_EQ(load(shp, true).reader, "ogr");
}

TEST(GpkgDirectTest, BlobsGdalCannotReadFailOnBothPaths) {
    test::TempDir dir;
    const auto path = (dir / "bad.gpkg").string();
    write_parcels(path, {{square(0, 0, 10), "0101", 101, "201", 1.0}, {square(20, 0, 10), "0101", 101, "201", 1.0}});
    run_sql(path, {set_geometry(2, blob(false, 5, 0, square_wkb(false, 20, 0, 10)))});  // envelope code 5 does not exist
    EXPECT_THROW(load(path, false), InputError);
    EXPECT_THROW(load(path, true), InputError);
}

TEST(GpkgDirectTest, BlobHeaderAndPlainWkb) {
    using detail::parse_gpkg_blob;
    using detail::plain_polygonal_wkb_size;
    const auto wkb = square_wkb(false, 0, 0, 1);
    for (unsigned code = 0; code <= 4; ++code) {
        const auto b = blob(code % 2 == 1, code, 0, wkb);
        const auto parsed = parse_gpkg_blob(b);
        ASSERT_TRUE(parsed) << code;
        EXPECT_EQ(parsed->wkb.size(), wkb.size());
        EXPECT_EQ(std::memcmp(parsed->wkb.data(), wkb.data(), wkb.size()), 0);
        EXPECT_FALSE(parsed->empty_flag || parsed->extended);
    }
    EXPECT_FALSE(parse_gpkg_blob(blob(false, 5, 0, wkb)));
    auto bad = blob(false, 1, 0, wkb);
    bad[2] = 1;  // version
    EXPECT_FALSE(parse_gpkg_blob(bad));
    const auto header_only = blob(false, 2, 0, {});
    EXPECT_TRUE(parse_gpkg_blob(header_only));
    EXPECT_FALSE(parse_gpkg_blob(std::span(header_only).first(40)));  // shorter than its envelope
    const auto flags = parse_gpkg_blob(blob(false, 0, 0x30, wkb));
    ASSERT_TRUE(flags);
    EXPECT_TRUE(flags->empty_flag && flags->extended);

    EXPECT_EQ(plain_polygonal_wkb_size(wkb), wkb.size());
    auto longer = wkb;
    longer.push_back(7);
    EXPECT_EQ(plain_polygonal_wkb_size(longer), wkb.size());
    EXPECT_EQ(plain_polygonal_wkb_size(std::span(wkb).first(wkb.size() - 1)), 0u);  // truncated
    EXPECT_EQ(plain_polygonal_wkb_size(square_wkb(true, 0, 0, 1)), 0u);             // big-endian
    EXPECT_EQ(plain_polygonal_wkb_size(square_wkb(false, 0, 0, 1, 1003)), 0u);      // Z
    Bytes multi;
    multi.u8(1);
    multi.u32(6);
    multi.u32(2);
    multi.append(wkb);
    multi.append(square_wkb(false, 5, 5, 1));
    EXPECT_EQ(plain_polygonal_wkb_size(multi.v), multi.v.size());
    Bytes no_parts;  // MULTIPOLYGON EMPTY
    no_parts.u8(1);
    no_parts.u32(6);
    no_parts.u32(0);
    EXPECT_EQ(plain_polygonal_wkb_size(no_parts.v), 0u);
    EXPECT_EQ(detail::quote_identifier("a\"b"), "\"a\"\"b\"");
}
