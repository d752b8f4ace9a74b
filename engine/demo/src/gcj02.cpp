#include "gcj02.hpp"

#include <cmath>
#include <numbers>

namespace citycheck::demo::detail {

namespace {

constexpr double k_a = 6378245.0;                  // Krasovsky 1940 semi-major axis
constexpr double k_ee = 0.00669342162296594323;    // its first eccentricity squared
constexpr double k_pi = std::numbers::pi;

double offset_lat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * k_pi) + 40.0 * std::sin(y / 3.0 * k_pi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * k_pi) + 320.0 * std::sin(y * k_pi / 30.0)) * 2.0 / 3.0;
    return r;
}

double offset_lon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * k_pi) + 40.0 * std::sin(x / 3.0 * k_pi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * k_pi) + 300.0 * std::sin(x / 30.0 * k_pi)) * 2.0 / 3.0;
    return r;
}

bool in_china(LonLat p) { return p.lon >= 72.004 && p.lon <= 137.8347 && p.lat >= 0.8293 && p.lat <= 55.8271; }

}  // namespace

LonLat wgs84_to_gcj02(LonLat p) {
    if (!in_china(p)) return p;
    double dlat = offset_lat(p.lon - 105.0, p.lat - 35.0);
    double dlon = offset_lon(p.lon - 105.0, p.lat - 35.0);
    const double rad = p.lat / 180.0 * k_pi;
    double magic = std::sin(rad);
    magic = 1.0 - k_ee * magic * magic;
    const double sq = std::sqrt(magic);
    dlat = (dlat * 180.0) / ((k_a * (1.0 - k_ee)) / (magic * sq) * k_pi);
    dlon = (dlon * 180.0) / (k_a / sq * std::cos(rad) * k_pi);
    return {p.lon + dlon, p.lat + dlat};
}

}  // namespace citycheck::demo::detail
