#pragma once
// Coordinate reference systems. Always in traditional GIS axis order (easting/longitude first):
// CGCS2000 CRSs such as EPSG:4490 and EPSG:4547 are northing-first by authority, and mixing the two
// orders is a classic source of swapped coordinates.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ogr_spatialref.h>

namespace citycheck::spatial {

class Crs {
  public:
    Crs();  // empty (unknown) CRS
    // EPSG code ("EPSG:4547" or "4547"), WKT, PROJ string, or the path of a .prj file.
    static Crs from_user_input(const std::string& text);
    static Crs from_epsg(int code);
    static Crs from_wkt(const std::string& wkt);
    static Crs from_ogr(const OGRSpatialReference* srs);  // null → empty

    bool empty() const noexcept { return !m_srs; }
    bool is_geographic() const;
    bool is_projected() const;
    std::string name() const;
    std::optional<int> epsg() const;  // the EPSG code when one is known or identifiable
    std::string to_wkt() const;
    std::string to_user_string() const;  // "EPSG:4547" when known, else the WKT
    bool same_as(const Crs& other) const;  // ignoring axis-order mapping
    double linear_units_to_metre() const;  // 1.0 for metres; for geographic CRSs, NaN

    // For GDAL calls that need the object; not locked: use it on one thread at a time.
    const OGRSpatialReference* ogr() const noexcept { return m_srs.get(); }

  private:
    explicit Crs(std::shared_ptr<const OGRSpatialReference> srs) : m_srs(std::move(srs)) {}
    // Never changed after construction; copies share it, and every call into it takes a process-wide
    // lock (GDAL's const methods are not thread-safe), so copies may be used from several threads.
    std::shared_ptr<const OGRSpatialReference> m_srs;
};

// CGCS2000 3-degree Gauss-Krüger zones (INDICATORS.md §7.1).
// Central meridian of the 3-degree zone that contains lon: 3 * round(lon / 3).
int gk3_central_meridian(double lon);
// EPSG code of the zone with truncated false easting 500 000 (EPSG:4534 … 4554).
int gk3_epsg_for_longitude(double lon);
// EPSG code of the zone-prefixed variant (EPSG:4513 … 4533; false easting n·10⁶ + 500 000).
int gk3_prefixed_epsg_for_longitude(double lon);
// If x looks like a zone-prefixed easting (25 500 000 ± … 45 500 000), the matching EPSG code.
std::optional<int> gk3_prefixed_epsg_for_easting(double x);

// A projected CRS suitable for metric work on data at (lon, lat): the CGCS2000 GK zone inside
// China's longitudes, the WGS84 UTM zone elsewhere.
Crs metric_crs_for(double lon, double lat);

// Coordinate transformation between two CRSs (traditional axis order); one per thread.
class Transform {
  public:
    Transform(const Crs& from, const Crs& to);
    Transform(Transform&&) noexcept;
    Transform& operator=(Transform&&) noexcept;
    ~Transform();
    void apply(std::vector<double>& x, std::vector<double>& y) const;  // in place; throws InputError
    void apply(double& x, double& y) const;
    OGRCoordinateTransformation* ogr() const noexcept { return m_ct.get(); }
    bool is_identity() const noexcept { return !m_ct; }

  private:
    struct Deleter {
        void operator()(OGRCoordinateTransformation* ct) const noexcept;
    };
    std::unique_ptr<OGRCoordinateTransformation, Deleter> m_ct;  // null when from == to
};

}  // namespace citycheck::spatial
