#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <tbb/global_control.h>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/encoding.hpp>
#include <citycheck/spatial/landuse_output.hpp>
#include <citycheck/spatial/overlay.hpp>

#include "overlay_fixture.hpp"
#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::spatial;
using test::Feature;
using test::rect;

namespace {

// EPSG:4547 (CGCS2000 / 3-degree GK CM 114E): coordinates near (500 000, 3 300 000).
constexpr double X0 = 500000, Y0 = 3300000;
std::string r(double x0, double y0, double x1, double y1) { return rect(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1); }

std::string fmt_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12f", v);
    return buf;
}

std::size_t class_index(const LandScheme& s, const std::string& code) { return *s.find_class(code); }
std::size_t group_index(const LandScheme& s, const std::string& id) {
    for (std::size_t g = 0; g < s.groups().size(); ++g)
        if (s.groups()[g].id == id) return g;
    throw std::runtime_error("no group " + id);
}

struct Fixture {
    test::TempDir dir;
    std::string parcels, zones;
    Fixture(const std::vector<Feature>& parcel_features, const std::vector<std::string>& real_fields = {}) {
        parcels = (dir / "parcels.gpkg").string();
        zones = (dir / "zones.gpkg").string();
        test::write_layer(parcels, "GPKG", "DLTB", 4547, parcel_features, {}, real_fields);
        // Two zones side by side: A = [0,100]², B = [100,200]×[0,100].
        test::write_layer(zones, "GPKG", "zones", 4547,
                          {{r(0, 0, 100, 100), {{"NAME", "A"}}}, {r(100, 0, 200, 100), {{"NAME", "B"}}}});
    }
};

OverlayResult run(const Fixture& f, const AreaSpec& area, ParcelSet* keep = nullptr, OverlayZones* keep_zones = nullptr,
                  OverlayOptions opts = {}) {
    ParcelSource ps;
    ps.path = f.parcels;
    ps.code_field = "DLBM";
    ps.area_field = area.field;
    auto parcels = load_parcels(ps, area);
    ZoneSource zs;
    zs.path = f.zones;
    zs.id_field = "NAME";
    auto zones = load_zones(zs, parcels.crs);
    auto result = overlay(zones, parcels, opts);
    if (keep) *keep = std::move(parcels);
    if (keep_zones) *keep_zones = std::move(zones);
    return result;
}

}  // namespace

TEST(OverlayTest, ParcelsCrossingAZoneBoundarySplitExactly) {
    // 0101 straddles the boundary (half in each zone), 0301 lies wholly inside A, "ZZZ" is unknown.
    Fixture f({{r(50, 0, 150, 100), {{"DLBM", "0101"}}},
               {r(10, 10, 30, 30), {{"DLBM", "0301"}}},
               {r(160, 10, 170, 20), {{"DLBM", "ZZZ"}}},
               {r(10, 50, 40, 60), {{"DLBM", "0810A"}}}});
    ParcelSet parcels;
    const auto res = run(f, AreaSpec{}, &parcels);
    EXPECT_EQ(parcels.crs.epsg(), 4547);
    ASSERT_EQ(res.zone_ids, (std::vector<std::string>{"A", "B"}));
    EXPECT_NEAR(res.zone_area[0], 10000, 1e-6);
    const auto s = LandScheme::load("sandiao");
    const auto t = classify(res, s);
    EXPECT_NEAR(t.class_at(0, class_index(s, "0101")), 5000, 1e-6);
    EXPECT_NEAR(t.class_at(1, class_index(s, "0101")), 5000, 1e-6);
    EXPECT_NEAR(t.class_at(0, class_index(s, "0301")), 400, 1e-9);
    EXPECT_NEAR(t.group_at(0, group_index(s, "cultivated")), 5000, 1e-6);
    EXPECT_NEAR(t.group_at(0, group_index(s, "forest_land")), 400, 1e-9);
    EXPECT_NEAR(t.group_at(0, group_index(s, "construction")), 300, 1e-9);  // 0810A
    EXPECT_NEAR(t.group_at(0, group_index(s, "agricultural")), 5400, 1e-6);
    EXPECT_NEAR(t.group_at(1, group_index(s, "forest_land")), 0, 0);
    EXPECT_NEAR(t.unknown_area[1], 100, 1e-9);
    ASSERT_EQ(t.unknown.size(), 1u);
    EXPECT_EQ(t.unknown[0].code, "ZZZ");
    EXPECT_EQ(t.unknown[0].parcels, 1u);
    EXPECT_NEAR(t.unknown[0].zones_area, 100, 1e-9);
    EXPECT_NEAR(res.coded_area(0), 5000 + 400 + 300, 1e-6);
    EXPECT_GE(res.stats.contained, 3u);  // the three inner parcels are not clipped
    EXPECT_EQ(res.overlaps.pairs, 0u);
    // The naive baseline clips everything and agrees.
    const auto naive = run(f, AreaSpec{}, nullptr, nullptr, OverlayOptions{OverlayAlgorithm::naive, false});
    EXPECT_EQ(naive.stats.contained, 0u);
    for (std::size_t i = 0; i < res.area.size(); ++i) EXPECT_NEAR(naive.area[i], res.area[i], 1e-6);
}

TEST(OverlayTest, FieldAreaIsApportionedByShare) {
    // TBDLMJ is net of 田坎: 9000 of 10000 m²; 30 % of the parcel lies in B.
    Fixture f({{r(30, 0, 130, 100), {{"DLBM", "0103"}, {"TBDLMJ", "9000"}}}}, {"TBDLMJ"});
    const auto res = run(f, AreaSpec::parse("field:TBDLMJ"));
    const std::size_t c = 0;
    EXPECT_NEAR(res.code_area_in_zone(0, c), 6300, 1e-6);
    EXPECT_NEAR(res.code_area_in_zone(1, c), 2700, 1e-6);
    EXPECT_NE(res.basis_text.find("TBDLMJ"), std::string::npos);
    // Zone areas are ellipsoidal on this basis; at 114E on the central meridian they are within 1e-5 of planar.
    EXPECT_NEAR(res.zone_area[0], 10000, 0.1);
    EXPECT_THROW(AreaSpec::parse("field:"), UsageError);
    EXPECT_THROW(AreaSpec::parse("geodesic"), UsageError);
}

TEST(OverlayTest, InvalidPolygonIsRepairedAndCounted) {
    // A bow-tie: two triangles of 25 m² each once repaired.
    Fixture f({{"POLYGON((500010 3300010,500020 3300020,500020 3300010,500010 3300020,500010 3300010))", {{"DLBM", "0101"}}},
               {"", {{"DLBM", "0102"}}},  // no geometry
               {r(0, 0, 100, 100), {{"DLBM", ""}}}});
    ParcelSet parcels;
    const auto res = run(f, AreaSpec{}, &parcels);
    EXPECT_EQ(parcels.report.read, 3u);
    EXPECT_EQ(parcels.report.repaired, 1u);
    EXPECT_EQ(parcels.report.null_geometry, 1u);
    EXPECT_EQ(parcels.report.null_code, 1u);
    ASSERT_EQ(parcels.report.repaired_examples.size(), 1u);
    EXPECT_NE(parcels.report.repaired_examples[0].find("Self-intersection"), std::string::npos);
    EXPECT_EQ(parcels.size(), 2u);
    EXPECT_NEAR(res.code_area_in_zone(0, 0), 50, 1e-9);
    // The empty code is reported, not dropped: it is an unknown code of 10000 m² in zone A.
    const auto t = classify(res, LandScheme::load("sandiao"));
    ASSERT_EQ(t.unknown.size(), 1u);
    EXPECT_EQ(t.unknown[0].code, "");
    EXPECT_NEAR(t.unknown_area[0], 10000, 1e-6);
    bool warned = false;
    for (const auto& w : parcels.report.warnings) warned |= w.find("without geometry") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST(OverlayTest, OverlapsAreReportedWithTheDoublyCountedArea) {
    Fixture f({{r(0, 0, 20, 20), {{"DLBM", "0101"}}},
               {r(10, 10, 30, 30), {{"DLBM", "0102"}}},   // overlaps the first by 10 × 10
               {r(30, 0, 50, 20), {{"DLBM", "0103"}}},    // touches the second at a corner only
               {r(50, 0, 70, 20), {{"DLBM", "0103"}}}});  // shares an edge with the third
    const auto res = run(f, AreaSpec{});
    ASSERT_TRUE(res.overlaps.checked);
    EXPECT_EQ(res.overlaps.pairs, 1u);
    EXPECT_NEAR(res.overlaps.doubly_counted_m2, 100, 1e-9);
    ASSERT_EQ(res.overlaps.examples.size(), 1u);
    EXPECT_EQ(res.overlaps.examples[0], (std::pair<std::int64_t, std::int64_t>{1, 2}));
    // Both parcels still count in full: the report, not the sums, flags the problem.
    EXPECT_NEAR(res.coded_area(0), 400 + 400 + 400 + 400, 1e-6);
}

TEST(OverlayTest, CzcsxmAndWhereFilter) {
    Fixture f({{r(0, 0, 10, 10), {{"DLBM", "0701"}, {"CZCSXM", "201"}}},
               {r(20, 0, 30, 10), {{"DLBM", "0701"}, {"CZCSXM", "203"}}},
               {r(40, 0, 50, 10), {{"DLBM", "0601"}, {"CZCSXM", "202"}}}});
    ParcelSource ps;
    ps.path = f.parcels;
    ps.code_field = "DLBM";
    ps.czcsxm = {"201", "202"};
    auto parcels = load_parcels(ps, AreaSpec{});
    EXPECT_EQ(parcels.report.read, 2u);
    ps.where = "DLBM = '0601'";
    EXPECT_EQ(load_parcels(ps, AreaSpec{}).report.read, 1u);
    ps.czcsxm_field = "NOPE";
    EXPECT_THROW(load_parcels(ps, AreaSpec{}), UsageError);
}

namespace {
// Area of the lon/lat quadrangle [lon1,lon2]×[lat1,lat2] on the ellipsoid, in closed form through the
// authalic function q(φ) (Snyder, Map Projections – A Working Manual, eq. 3-12):
// A = a²/2 · Δλ · (q(φ2) − q(φ1)), q(φ) = (1−e²)[sinφ/(1−e² sin²φ) − 1/(2e) ln((1−e sinφ)/(1+e sinφ))].
double quadrangle_area(double lon1, double lon2, double lat1, double lat2) {
    const double a = 6378137.0, f = 1 / 298.257222101, e2 = f * (2 - f), e = std::sqrt(e2);
    auto q = [&](double lat_deg) {
        const double s = std::sin(lat_deg * M_PI / 180);
        return (1 - e2) * (s / (1 - e2 * s * s) - 1 / (2 * e) * std::log((1 - e * s) / (1 + e * s)));
    };
    return a * a / 2 * ((lon2 - lon1) * M_PI / 180) * (q(lat2) - q(lat1));
}
// The quadrangle as WKT with n vertices per edge (parallels and meridians are curves in GK).
std::string quadrangle_wkt(double lon1, double lon2, double lat1, double lat2, int n) {
    std::string w = "POLYGON((";
    char buf[64];
    auto add = [&](double x, double y, const char* sep) {
        std::snprintf(buf, sizeof buf, "%.12f %.12f%s", x, y, sep);
        w += buf;
    };
    for (int i = 0; i < n; ++i) add(lon1 + (lon2 - lon1) * i / n, lat1, ",");
    for (int i = 0; i < n; ++i) add(lon2, lat1 + (lat2 - lat1) * i / n, ",");
    for (int i = 0; i < n; ++i) add(lon2 - (lon2 - lon1) * i / n, lat2, ",");
    for (int i = 0; i < n; ++i) add(lon1, lat2 - (lat2 - lat1) * i / n, ",");
    add(lon1, lat1, "))");
    return w;
}
}  // namespace

TEST(OverlayTest, EllipsoidalAreaMatchesTheClosedFormQuadrangle) {
    // A quadrangle 1.3° east of the GK central meridian (114E), where the planar GK area is
    // ~3.9e-4 too large (scale factor² at 124 km from the CM).
    const double lon1 = 115.2, lon2 = 115.4, lat1 = 30.0, lat2 = 30.1;
    const int n = 200;  // vertices per edge: the parallels are curves in GK
    const std::string w = quadrangle_wkt(lon1, lon2, lat1, lat2, n);
    test::TempDir dir;
    const auto parcels = (dir / "p.gpkg").string(), zones = (dir / "z.gpkg").string();
    // One parcel covering the quadrangle's west half and beyond; the zone is the quadrangle.
    test::write_layer(parcels, "GPKG", "DLTB", 4490, {{quadrangle_wkt(115.1, 115.3, 29.9, 30.2, n), {{"DLBM", "0301"}}}});
    test::write_layer(zones, "GPKG", "zones", 4490, {{w, {{"ID", "Q"}}}});
    const double exact = quadrangle_area(lon1, lon2, lat1, lat2);
    const double exact_half = quadrangle_area(lon1, 115.3, lat1, lat2);
    for (const char* basis : {"ellipsoidal", "planar"}) {
        ParcelSource ps;
        ps.path = parcels;
        ps.code_field = "DLBM";
        const auto p = load_parcels(ps, AreaSpec::parse(basis));
        EXPECT_EQ(p.crs.epsg(), 4547);  // GK zone chosen from the data's longitude
        ZoneSource zs;
        zs.path = zones;
        zs.id_field = "ID";
        const auto res = overlay(load_zones(zs, p.crs), p);
        const double rel = res.zone_area[0] / exact - 1;
        const double rel_half = res.code_area_in_zone(0, 0) / exact_half - 1;
        if (std::string(basis) == "ellipsoidal") {
            EXPECT_LT(std::abs(rel), 1e-6) << res.zone_area[0] << " vs " << exact;
            EXPECT_LT(std::abs(rel_half), 1e-6);
        } else {
            EXPECT_GT(rel, 2e-4) << "planar GK area should be inflated by the scale factor";
            EXPECT_LT(rel, 6e-4);
            EXPECT_GT(rel_half, 1e-4);
        }
    }
}

TEST(OverlayTest, GeodesicRingAreaOfAQuadrangleCorner) {
    // A densified lon/lat quadrangle straight through geodesic_ring_area (no projection involved).
    std::vector<double> lon, lat;
    const int n = 100;
    for (int i = 0; i < n; ++i) lon.push_back(80 + 0.1 * i / n), lat.push_back(45);
    for (int i = 0; i < n; ++i) lon.push_back(80.1), lat.push_back(45 + 0.1 * i / n);
    for (int i = 0; i < n; ++i) lon.push_back(80.1 - 0.1 * i / n), lat.push_back(45.1);
    for (int i = 0; i < n; ++i) lon.push_back(80), lat.push_back(45.1 - 0.1 * i / n);
    EXPECT_NEAR(geodesic_ring_area(lon, lat) / quadrangle_area(80, 80.1, 45, 45.1), 1.0, 1e-7);
}

namespace {
// A jittered grid of quadrilateral parcels sharing vertices (a tessellation without overlaps).
std::vector<Feature> jittered_grid(int nx, int ny, double cell, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> j(-0.3 * cell, 0.3 * cell);
    std::vector<double> vx((nx + 1) * (ny + 1)), vy(vx.size());
    for (int y = 0; y <= ny; ++y)
        for (int x = 0; x <= nx; ++x) {
            const bool edge = x == 0 || y == 0 || x == nx || y == ny;
            vx[y * (nx + 1) + x] = X0 + x * cell + (edge ? 0 : j(rng));
            vy[y * (nx + 1) + x] = Y0 + y * cell + (edge ? 0 : j(rng));
        }
    const char* codes[] = {"0101", "0102", "0301", "0701", "1004", "1101", "0810", "9999"};
    std::vector<Feature> out;
    char buf[512];
    for (int y = 0; y < ny; ++y)
        for (int x = 0; x < nx; ++x) {
            const int a = y * (nx + 1) + x, b = a + 1, c = a + nx + 2, d = a + nx + 1;
            std::snprintf(buf, sizeof buf, "POLYGON((%.4f %.4f,%.4f %.4f,%.4f %.4f,%.4f %.4f,%.4f %.4f))", vx[a], vy[a], vx[b], vy[b], vx[c],
                          vy[c], vx[d], vy[d], vx[a], vy[a]);
            // A field area (e.g. TBDLMJ, net of 田坎) unlike the planar one: 0.8–0.98 of the cell.
            out.push_back({buf, {{"DLBM", codes[(x * 7 + y * 3) % 8]}, {"TBDLMJ", std::to_string(cell * cell * (0.8 + 0.02 * ((x + 2 * y) % 10)))}}});
        }
    return out;
}
}  // namespace

TEST(OverlayTest, ThreadCountDoesNotChangeAnyBit) {
    test::TempDir dir;
    const auto parcels = (dir / "p.gpkg").string(), zones = (dir / "z.gpkg").string();
    test::write_layer(parcels, "GPKG", "DLTB", 4547, jittered_grid(40, 40, 25, 3));
    // Irregular zones: a rotated grid of 3×3 diamonds-ish quads over the 1 km² block.
    std::vector<Feature> zf;
    int id = 0;
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x) {
            const double x0 = X0 + x * 333.3 + 13 * y, y0 = Y0 + y * 333.3 + 7 * x;
            char buf[512];
            std::snprintf(buf, sizeof buf, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", x0, y0, x0 + 333.3, y0 + 20,
                          x0 + 340, y0 + 333.3, x0 - 10, y0 + 320, x0, y0);
            zf.push_back({buf, {{"ID", std::to_string(id++)}}});
        }
    test::write_layer(zones, "GPKG", "zones", 4547, zf);
    auto compute = [&](int threads, const char* basis) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
        ParcelSource ps;
        ps.path = parcels;
        ps.code_field = "DLBM";
        const auto p = load_parcels(ps, AreaSpec::parse(basis));
        ZoneSource zs;
        zs.path = zones;
        zs.id_field = "ID";
        return overlay(load_zones(zs, p.crs), p);
    };
    for (const char* basis : {"planar", "ellipsoidal"}) {
        const auto one = compute(1, basis), four = compute(4, basis);
        ASSERT_EQ(one.area.size(), four.area.size());
        EXPECT_EQ(std::memcmp(one.area.data(), four.area.data(), one.area.size() * sizeof(double)), 0) << basis;
        EXPECT_EQ(std::memcmp(one.zone_area.data(), four.zone_area.data(), one.zone_area.size() * sizeof(double)), 0);
        EXPECT_EQ(one.overlaps.pairs, 0u);  // a tessellation: shared edges are not overlaps
        // Coverage check: the parcels tile the block, so each zone's surveyed area is its area inside the block.
        double surveyed = 0;
        for (std::size_t z = 0; z < one.zone_ids.size(); ++z) surveyed += one.coded_area(z);
        if (std::string(basis) == "planar") {
            EXPECT_GT(surveyed, 0.9e6);
        }
    }
}

// The overlap check proves most neighbouring pairs apart without GEOS (shared edges); it must
// still find every overlap GEOS finds. A jittered tessellation with planted overlaps: a parcel
// stored twice, a square laid across several parcels, and a corner pushed into a neighbour.
TEST(OverlayTest, OverlapCheckFindsWhatGeosFindsOnATessellationWithPlantedOverlaps) {
    auto features = jittered_grid(20, 20, 25, 11);
    features.push_back(features[45]);                                   // the same parcel twice
    features.push_back({r(130, 130, 160, 152), {{"DLBM", "0101"}}});  // across four to nine parcels
    {
        // A corner of parcel 210 pushed 4 m into its neighbours (its WKT: 5 points, "x y," pairs).
        std::string w = features[210].wkt;
        const auto open = w.find("((") + 2, comma = w.find(',', open), comma2 = w.find(',', comma + 1);
        const auto space = w.find(' ', comma + 1);
        const double x = std::stod(w.substr(comma + 1, space - comma - 1)) + 4, y = std::stod(w.substr(space + 1, comma2 - space - 1)) - 2;
        w = w.substr(0, comma + 1) + fmt_number(x) + " " + fmt_number(y) + w.substr(comma2);
        features[210].wkt = w;
    }
    test::TempDir dir;
    const auto parcels = (dir / "p.gpkg").string(), zones = (dir / "z.gpkg").string();
    test::write_layer(parcels, "GPKG", "DLTB", 4547, features);
    test::write_layer(zones, "GPKG", "zones", 4547, {{r(0, 0, 500, 500), {{"ID", "all"}}}});
    // The oracle: GEOS on every pair whose boxes overlap.
    GeosContext ctx;
    std::vector<GeomPtr> g;
    std::vector<Box> box;
    for (const auto& f : features) g.push_back(ctx.from_wkt(f.wkt)), box.push_back(ctx.envelope(*g.back()));
    std::size_t pairs = 0;
    double area = 0;
    for (std::size_t i = 0; i < g.size(); ++i)
        for (std::size_t j = i + 1; j < g.size(); ++j) {
            if (std::min(box[i].xmax, box[j].xmax) <= std::max(box[i].xmin, box[j].xmin) ||
                std::min(box[i].ymax, box[j].ymax) <= std::max(box[i].ymin, box[j].ymin))
                continue;
            if (GEOSRelatePattern_r(ctx.get(), g[i].get(), g[j].get(), "T********") != 1) continue;
            const double a = ctx.area(*ctx.intersection(*g[i], *g[j]));
            if (a > 1e-6) ++pairs, area += a;
        }
    ASSERT_GE(pairs, 6u);
    for (int threads : {1, 3}) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
        ParcelSource ps;
        ps.path = parcels;
        ps.code_field = "DLBM";
        const auto p = load_parcels(ps, AreaSpec{});
        ZoneSource zs;
        zs.path = zones;
        zs.id_field = "ID";
        const auto res = overlay(load_zones(zs, p.crs), p);
        ASSERT_TRUE(res.overlaps.checked);
        EXPECT_EQ(res.overlaps.pairs, pairs);
        EXPECT_NEAR(res.overlaps.doubly_counted_m2, area, 1e-6);
    }
}

// Parcels wholly inside or outside a zone are counted from their box by the indexed overlay; the
// naive one clips every candidate with GEOS. Both must agree on every basis, the field one
// included, whose whole-parcel area is the field value and not the planar area.
TEST(OverlayTest, IndexedAndNaiveAgreeOnEveryBasis) {
    test::TempDir dir;
    const auto parcels = (dir / "p.gpkg").string(), zones = (dir / "z.gpkg").string();
    test::write_layer(parcels, "GPKG", "DLTB", 4547, jittered_grid(30, 30, 25, 11), {}, {"TBDLMJ"});
    std::vector<Feature> zf;
    char buf[512];
    for (int k = 0; k < 4; ++k) {  // four overlapping-free quads, each with many parcels wholly inside
        const double x0 = X0 + 20 + (k % 2) * 370, y0 = Y0 + 15 + (k / 2) * 360;
        std::snprintf(buf, sizeof buf, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", x0, y0, x0 + 330, y0 + 17, x0 + 351,
                      y0 + 340, x0 - 9, y0 + 322, x0, y0);
        zf.push_back({buf, {{"ID", std::to_string(k)}}});
    }
    test::write_layer(zones, "GPKG", "zones", 4547, zf);
    for (const char* basis : {"planar", "ellipsoidal", "field:TBDLMJ"}) {
        ParcelSource ps;
        ps.path = parcels;
        ps.code_field = "DLBM";
        const auto area = AreaSpec::parse(basis);
        ps.area_field = area.field;
        const auto p = load_parcels(ps, area);
        ZoneSource zs;
        zs.path = zones;
        zs.id_field = "ID";
        const auto z = load_zones(zs, p.crs);
        const auto indexed = overlay(z, p), naive = overlay(z, p, OverlayOptions{OverlayAlgorithm::naive, false});
        EXPECT_GT(indexed.stats.contained, 500u) << basis;  // most parcels are counted whole
        ASSERT_EQ(indexed.area.size(), naive.area.size());
        for (std::size_t i = 0; i < naive.area.size(); ++i)
            EXPECT_NEAR(indexed.area[i], naive.area[i], 1e-9 * std::max(1.0, naive.area[i])) << basis << " cell " << i;
    }
}

TEST(OverlayTest, GbkShapefileWithAndWithoutCpg) {
    // The fixture writes GBK bytes itself with the writer's recoding off (ENCODING="") and adds the
    // .cpg by hand: a process-wide SHAPE_ENCODING setting (which citycheck once made) overrides the
    // ENCODING=CP936 layer creation option, and the test must not depend on it.
    const std::string zone_name = recode("东城街道", "UTF-8", "CP936"), paddy = recode("水田", "UTF-8", "CP936");
    ASSERT_EQ(classify_bytes(zone_name), TextKind::gbk);
    for (bool keep_cpg : {true, false}) {
        test::TempDir dir;
        const auto zones = (dir / "zones.shp").string(), parcels = (dir / "dltb.shp").string();
        test::write_layer(zones, "ESRI Shapefile", "zones", 4547, {{r(0, 0, 100, 100), {{"XZQMC", zone_name}}}}, {"ENCODING="});
        test::write_layer(parcels, "ESRI Shapefile", "dltb", 4547, {{r(0, 0, 50, 50), {{"DLBM", "0101"}, {"DLMC", paddy}}}},
                          {"ENCODING="});
        for (const auto* stem : {"zones", "dltb"}) {
            if (keep_cpg) {
                std::ofstream(dir / (std::string(stem) + ".cpg")) << "936";
            } else {
                std::filesystem::remove(dir / (std::string(stem) + ".cpg"));
                // Clear the DBF language driver byte too, so that only the bytes tell the encoding.
                std::fstream dbf(dir / (std::string(stem) + ".dbf"), std::ios::in | std::ios::out | std::ios::binary);
                dbf.seekp(29);
                dbf.put('\0');
            }
        }
        if (!keep_cpg) {
            ASSERT_EQ(shapefile_encoding(zones)->source, "detected");
            ASSERT_EQ(shapefile_encoding(zones)->encoding, "CP936");
        }
        ParcelSource ps;
        ps.path = parcels;
        ps.code_field = "DLBM";
        ps.where = "DLMC = '水田'";  // the filter sees decoded UTF-8 text
        const auto p = load_parcels(ps, AreaSpec{});
        EXPECT_EQ(p.report.read, 1u) << "keep_cpg=" << keep_cpg;
        ZoneSource zs;
        zs.path = zones;
        zs.id_field = "XZQMC";
        const auto z = load_zones(zs, p.crs);
        ASSERT_EQ(z.ids.size(), 1u);
        EXPECT_EQ(z.ids[0], "东城街道") << "keep_cpg=" << keep_cpg;
        const auto res = overlay(z, p);
        EXPECT_NEAR(res.code_area_in_zone(0, 0), 2500, 1e-6);
    }
}

TEST(OverlayTest, FileGdbLayerIsChosenByNameOrDltbDefault) {
    test::TempDir dir;
    const auto gdb = (dir / "survey.gdb").string();
    test::write_layer(gdb, "OpenFileGDB", "XZQ", 4547, {{r(0, 0, 200, 100), {{"XZQMC", "x"}}}});
    test::write_layer(gdb, "OpenFileGDB", "DLTB", 4547,
                      {{r(0, 0, 150, 100), {{"DLBM", "0101"}, {"TBDLMJ", "14000"}}}, {r(150, 0, 200, 100), {{"DLBM", "1004"}, {"TBDLMJ", "5000"}}}},
                      {}, {"TBDLMJ"}, true);
    ParcelSource ps;
    ps.path = gdb;
    ps.code_field = "DLBM";
    ps.area_field = "TBDLMJ";
    const auto p = load_parcels(ps, AreaSpec::parse("field:TBDLMJ"));  // DLTB chosen among two layers
    EXPECT_EQ(p.layer, "DLTB");
    EXPECT_EQ(p.size(), 2u);
    Fixture f({});
    ZoneSource zs;
    zs.path = f.zones;
    zs.id_field = "NAME";
    const auto res = overlay(load_zones(zs, p.crs), p);
    EXPECT_NEAR(res.code_area_in_zone(0, 0), 14000.0 * 100 / 150, 1e-6);  // 0101 in A
    EXPECT_NEAR(res.code_area_in_zone(1, 0), 14000.0 * 50 / 150, 1e-6);
    EXPECT_NEAR(res.code_area_in_zone(1, 1), 5000, 1e-6);
    ps.layer = "NOPE";
    EXPECT_THROW(load_parcels(ps, AreaSpec::parse("field:TBDLMJ")), UsageError);
}

TEST(OverlayTest, ZonePrefixedEastingsWithoutCrsAreRecognised) {
    test::TempDir dir;
    const auto parcels = (dir / "p.shp").string(), zones = (dir / "z.shp").string();
    // Zone 38 (CM 114E) with the zone number in the false easting: x = 38 500 000 + …
    const double px = 38000000;
    test::write_layer(parcels, "ESRI Shapefile", "p", 0, {{rect(px + X0, Y0, px + X0 + 50, Y0 + 100), {{"DLBM", "0101"}}}});
    test::write_layer(zones, "ESRI Shapefile", "z", 0, {{rect(px + X0, Y0, px + X0 + 100, Y0 + 100), {{"ID", "1"}}}});
    ParcelSource ps;
    ps.path = parcels;
    ps.code_field = "DLBM";
    const auto p = load_parcels(ps, AreaSpec{});
    EXPECT_EQ(p.source_crs.epsg(), 4526);  // 4488 + 38
    ASSERT_FALSE(p.report.warnings.empty());
    EXPECT_NE(p.report.warnings[0].find("zone prefix"), std::string::npos);
    ZoneSource zs;
    zs.path = zones;
    zs.id_field = "ID";
    const auto res = overlay(load_zones(zs, p.crs), p);
    EXPECT_NEAR(res.code_area_in_zone(0, 0), 5000, 1e-6);
}

TEST(OverlayTest, OutputsStateTheirBasis) {
    Fixture f({{r(50, 0, 150, 100), {{"DLBM", "0101"}}}});
    ParcelSet parcels;
    OverlayZones zones;
    const auto res = run(f, AreaSpec{}, &parcels, &zones);
    const auto s = LandScheme::load("sandiao");
    const auto t = classify(res, s);
    const auto csv = (f.dir / "out.csv").string();
    write_landuse(csv, TableLayout::wide, res, t, zones);
    const auto text = test::read_file(csv);
    EXPECT_EQ(text.rfind("zone_id,area_basis,zone_area_m2,surveyed_m2,unknown_m2", 0), 0u);
    EXPECT_NE(text.find("A,planar EPSG:4547,10000.000000,5000.000000"), std::string::npos);
    const auto lcsv = (f.dir / "long.csv").string();
    write_landuse(lcsv, TableLayout::long_, res, t, zones);
    EXPECT_NE(test::read_file(lcsv).find("B,class,0101,水田,5000.000000,50.000000,planar EPSG:4547"), std::string::npos);
    const auto gpkg = (f.dir / "out.gpkg").string();
    write_landuse(gpkg, TableLayout::long_, res, t, zones);
    auto ds = open_dataset(gpkg, DatasetKind::vector);
    OGRLayer* layer = ds->GetLayerByName("landuse");
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(layer->GetFeatureCount(), 2);
    auto feat = std::unique_ptr<OGRFeature>(layer->GetNextFeature());
    EXPECT_NEAR(feat->GetFieldAsDouble("cultivated_m2"), 5000, 1e-6);
    EXPECT_NE(feat->GetGeometryRef(), nullptr);
    EXPECT_NE(ds->GetLayerByName("landuse_long"), nullptr);
    const auto rep = landuse_report(parcels, zones, res, t);
    EXPECT_EQ(rep["area_basis"], "planar EPSG:4547");
}

TEST(OverlayTest, PipelineApiTakesZonesAsWkbInAnotherCrs) {
    Fixture f({{r(0, 0, 100, 100), {{"DLBM", "0101"}}}, {r(100, 0, 200, 100), {{"DLBM", "0701"}}}});
    ParcelSource ps;
    ps.path = f.parcels;
    ps.code_field = "DLBM";
    const auto parcels = load_parcels(ps, AreaSpec{});
    // The zone [50,150]×[0,100] given in lon/lat (EPSG:4490), as the pipeline would hand it over.
    std::vector<double> xs{X0 + 50, X0 + 150, X0 + 150, X0 + 50, X0 + 50}, ys{Y0, Y0, Y0 + 100, Y0 + 100, Y0};
    Transform(Crs::from_epsg(4547), Crs::from_epsg(4490)).apply(xs, ys);
    std::string wkt = "POLYGON((";
    for (std::size_t i = 0; i < xs.size(); ++i) wkt += fmt_number(xs[i]) + " " + fmt_number(ys[i]) + (i + 1 < xs.size() ? "," : "))");
    GeosContext ctx;
    const auto wkb = ctx.to_wkb(*ctx.from_wkt(wkt));
    const OverlayZones zones{Crs::from_epsg(4490), {"z"}, {wkb}, {}};
    const auto res = overlay(zones, parcels);
    ASSERT_EQ(res.zone_ids.size(), 1u);
    EXPECT_NEAR(res.zone_area[0], 10000, 0.01);
    EXPECT_NEAR(res.code_area_in_zone(0, 0), 5000, 0.01);
    EXPECT_NEAR(res.code_area_in_zone(0, 1), 5000, 0.01);
    const auto made = make_zones({"z"}, {wkb}, Crs::from_epsg(4490), parcels.crs);
    EXPECT_TRUE(made.crs.same_as(parcels.crs));
    EXPECT_NEAR(ctx.area(*ctx.from_wkb(made.wkb[0])), 10000, 0.01);
}
