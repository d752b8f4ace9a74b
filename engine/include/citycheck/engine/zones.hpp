#pragma once
// The zones of a health check at up to four levels (市/区/街道/社区), in the working CRS, with
// parent links, and the check that children tile their parent.
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <citycheck/engine/config.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::engine {

constexpr std::size_t NO_PARENT = std::numeric_limits<std::size_t>::max();

struct Zone {
    std::string id;
    std::string name;
    std::string parent_id;           // empty at the coarsest level
    std::size_t parent = NO_PARENT;  // index into the next coarser level
    std::vector<unsigned char> wkb;  // working CRS
    spatial::Box box;
    double area_m2 = 0;
};

struct ZoneLevelData {
    ZoneLevel level = ZoneLevel::city;
    std::vector<Zone> zones;
    std::map<std::string, std::size_t> index;  // id → position
};

class ZoneSet {
  public:
    ZoneSet() = default;
    // Reads every configured level, reprojects into crs, links parents (parent_field or, without
    // it, the parent containing the child's interior point). Throws InputError.
    static ZoneSet load(const HealthCheckConfig& config, const spatial::Crs& crs);
    // For tests and tools: levels coarse → fine with parent_id filled (or empty to link spatially).
    static ZoneSet from_levels(std::vector<ZoneLevelData> levels, spatial::Crs crs);

    const std::vector<ZoneLevelData>& levels() const noexcept { return m_levels; }
    const ZoneLevelData& finest() const { return m_levels.back(); }
    const spatial::Crs& crs() const noexcept { return m_crs; }
    spatial::Box extent() const;  // of all zones, working CRS
    // For each finest zone, its ancestor's index at level position k (k = levels().size()-1: itself).
    std::vector<std::size_t> ancestors_at(std::size_t k) const;

  private:
    void link();
    std::vector<ZoneLevelData> m_levels;
    spatial::Crs m_crs;
};

// The working CRS: config.crs, else the finest zone layer's CRS if projected, else the CGCS2000
// 3-degree GK zone of the zones' centre.
spatial::Crs working_crs(const HealthCheckConfig& config);

struct TilingIssue {
    ZoneLevel level = ZoneLevel::city;  // of the parent
    std::string parent_id;
    double parent_area_m2 = 0;
    double gap_m2 = 0;      // parent area not covered by any child
    double overlap_m2 = 0;  // area covered by more than one child
    double outside_m2 = 0;  // child area outside the parent
    std::string to_string() const;
};

// Parents whose children leave gaps, overlap or stick out by more than rel_tolerance of the
// parent's area (GEOS unions; geometries are materialised on the calling thread).
std::vector<TilingIssue> check_tiling(const ZoneSet& zones, double rel_tolerance = 1e-6);

}  // namespace citycheck::engine
