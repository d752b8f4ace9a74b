// GCJ-02 and BD-09, written from the published formulas (INDICATORS.md §7.1, source S20).
#include <citycheck/spatial/chinese_coords.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>

#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace citycheck::spatial {
namespace {

constexpr double pi = std::numbers::pi;
constexpr double krasovsky_a = 6378245.0;                    // semi-major axis of the Krasovsky 1940 ellipsoid
constexpr double krasovsky_ee = 0.00669342162296594323;      // its first eccentricity squared
constexpr double x_pi = pi * 3000.0 / 180.0;                 // Baidu's angular constant
constexpr double bd_dlon = 0.0065, bd_dlat = 0.006;          // Baidu's constant shift
constexpr double inverse_tolerance_deg = 1e-10;              // ~0.01 mm on the ground
constexpr int inverse_max_iterations = 60;

// The two offset polynomials, of (lon − 105, lat − 35), in metres-like units before scaling.
double offset_lat(double x, double y) noexcept {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
    r += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * pi) + 40.0 * std::sin(y / 3.0 * pi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * pi) + 320.0 * std::sin(y * pi / 30.0)) * 2.0 / 3.0;
    return r;
}

double offset_lon(double x, double y) noexcept {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
    r += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * pi) + 40.0 * std::sin(x / 3.0 * pi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * pi) + 300.0 * std::sin(x / 30.0 * pi)) * 2.0 / 3.0;
    return r;
}

// GCJ-02 obfuscation without the bounding-box test (the inverse iterates on it).
LonLat gcj_forward(LonLat p) noexcept {
    double dlat = offset_lat(p.lon - 105.0, p.lat - 35.0);
    double dlon = offset_lon(p.lon - 105.0, p.lat - 35.0);
    const double rad_lat = p.lat / 180.0 * pi;
    const double s = std::sin(rad_lat);
    const double magic = 1.0 - krasovsky_ee * s * s;
    const double sqrt_magic = std::sqrt(magic);
    // Degrees per metre along the meridian and the parallel of the Krasovsky ellipsoid.
    dlat = (dlat * 180.0) / ((krasovsky_a * (1.0 - krasovsky_ee)) / (magic * sqrt_magic) * pi);
    dlon = (dlon * 180.0) / (krasovsky_a / sqrt_magic * std::cos(rad_lat) * pi);
    return {p.lon + dlon, p.lat + dlat};
}

LonLat bd_forward(LonLat p) noexcept {
    const double x = p.lon, y = p.lat;
    const double z = std::sqrt(x * x + y * y) + 0.00002 * std::sin(y * x_pi);
    const double theta = std::atan2(y, x) + 0.000003 * std::cos(x * x_pi);
    return {z * std::cos(theta) + bd_dlon, z * std::sin(theta) + bd_dlat};
}

// Solves forward(w) = target by fixed-point iteration w ← w − (forward(w) − target). The offsets'
// derivatives are tiny (< 1e-3), so each step gains about three digits.
template <class Forward>
LonLat invert(LonLat target, LonLat start, Forward forward) noexcept {
    LonLat w = start;
    for (int i = 0; i < inverse_max_iterations; ++i) {
        const LonLat f = forward(w);
        const double ex = f.lon - target.lon, ey = f.lat - target.lat;
        if (std::abs(ex) < inverse_tolerance_deg && std::abs(ey) < inverse_tolerance_deg) break;
        w.lon -= ex;
        w.lat -= ey;
    }
    return w;
}

std::string lower(std::string_view s) {
    std::string r(s);
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return r;
}

}  // namespace

CoordSystem parse_coord_system(std::string_view text) {
    const std::string t = lower(text);
    if (t == "wgs84" || t == "wgs-84" || t == "cgcs2000" || t == "epsg:4326" || t == "epsg:4490") return CoordSystem::wgs84;
    if (t == "gcj02" || t == "gcj-02" || t == "amap" || t == "tencent") return CoordSystem::gcj02;
    if (t == "bd09" || t == "bd-09" || t == "baidu") return CoordSystem::bd09;
    throw UsageError("unknown coordinate system '" + std::string(text) +
                     "': use wgs84 (also CGCS2000), gcj02 (Amap, Tencent) or bd09 (Baidu)");
}

std::string to_string(CoordSystem cs) {
    switch (cs) {
        case CoordSystem::wgs84: return "wgs84";
        case CoordSystem::gcj02: return "gcj02";
        case CoordSystem::bd09: return "bd09";
    }
    return "wgs84";
}

bool outside_china(double lon, double lat) noexcept {
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

LonLat wgs84_to_gcj02(LonLat p) noexcept {
    if (outside_china(p.lon, p.lat)) return p;
    return gcj_forward(p);
}

LonLat gcj02_to_bd09(LonLat p) noexcept {
    if (outside_china(p.lon, p.lat)) return p;
    return bd_forward(p);
}

LonLat wgs84_to_bd09(LonLat p) noexcept {
    if (outside_china(p.lon, p.lat)) return p;
    return bd_forward(gcj_forward(p));
}

LonLat gcj02_to_wgs84(LonLat p) noexcept {
    if (outside_china(p.lon, p.lat)) return p;
    return invert(p, p, gcj_forward);
}

LonLat bd09_to_gcj02(LonLat p) noexcept {
    if (outside_china(p.lon, p.lat)) return p;
    return invert(p, LonLat{p.lon - bd_dlon, p.lat - bd_dlat}, bd_forward);
}

LonLat bd09_to_wgs84(LonLat p) noexcept {
    if (outside_china(p.lon, p.lat)) return p;
    // Invert the composition in one loop so the residual bound holds for the whole chain.
    const auto both = [](LonLat w) { return bd_forward(gcj_forward(w)); };
    return invert(p, LonLat{p.lon - bd_dlon, p.lat - bd_dlat}, both);
}

LonLat convert(LonLat p, CoordSystem from, CoordSystem to) noexcept {
    if (from == to) return p;
    switch (from) {
        case CoordSystem::wgs84: return to == CoordSystem::gcj02 ? wgs84_to_gcj02(p) : wgs84_to_bd09(p);
        case CoordSystem::gcj02: return to == CoordSystem::wgs84 ? gcj02_to_wgs84(p) : gcj02_to_bd09(p);
        case CoordSystem::bd09: return to == CoordSystem::wgs84 ? bd09_to_wgs84(p) : bd09_to_gcj02(p);
    }
    return p;
}

void convert(std::span<double> lon, std::span<double> lat, CoordSystem from, CoordSystem to) {
    if (lon.size() != lat.size()) throw InternalError("convert: coordinate arrays differ in length");
    if (from == to) return;
    for (std::size_t i = 0; i < lon.size(); ++i) {
        const LonLat r = convert(LonLat{lon[i], lat[i]}, from, to);
        lon[i] = r.lon;
        lat[i] = r.lat;
    }
}

namespace {
// OGR walks every vertex of any geometry type through a coordinate transformation; this one is ours.
class ChineseToWgs84 final : public OGRCoordinateTransformation {
  public:
    explicit ChineseToWgs84(CoordSystem from) : m_from(from) {}
    OGRSpatialReference* GetSourceCS() override { return nullptr; }
    OGRSpatialReference* GetTargetCS() override { return nullptr; }
    int Transform(int count, double* x, double* y, double*, double*, int* success) override {
        for (int i = 0; i < count; ++i) {
            const LonLat r = convert(LonLat{x[i], y[i]}, m_from, CoordSystem::wgs84);
            x[i] = r.lon;
            y[i] = r.lat;
            if (success) success[i] = TRUE;
        }
        return TRUE;
    }
    int TransformWithErrorCodes(int count, double* x, double* y, double* z, double* t, int* codes) override {
        const int ok = Transform(count, x, y, z, t, nullptr);
        if (codes) std::fill(codes, codes + count, 0);
        return ok;
    }
    OGRCoordinateTransformation* Clone() const override { return new ChineseToWgs84(m_from); }
    OGRCoordinateTransformation* GetInverse() const override { return nullptr; }

  private:
    CoordSystem m_from;
};
}  // namespace

void convert_geometry_to_wgs84(OGRGeometry& geometry, CoordSystem from) {
    if (from == CoordSystem::wgs84) return;
    // transform() would assign the (null) target CRS; keep the geometry's own.
    OGRSpatialReference* srs = geometry.getSpatialReference() ? geometry.getSpatialReference()->Clone() : nullptr;
    ChineseToWgs84 ct(from);
    if (geometry.transform(&ct) != OGRERR_NONE) throw InternalError(with_gdal_reason("GCJ-02/BD-09 conversion of a geometry failed"));
    geometry.assignSpatialReference(srs);
    if (srs) srs->Release();
}

void require_lonlat_for(const Crs& layer_crs, CoordSystem from, const std::string& what) {
    if (from == CoordSystem::wgs84 || layer_crs.empty() || layer_crs.is_geographic()) return;
    throw UsageError("--coords " + to_string(from) + " applies to longitude/latitude data, but this layer is in " +
                         layer_crs.name() + "; drop --coords or give the layer in lon/lat",
                     {.file = what});
}

}  // namespace citycheck::spatial
