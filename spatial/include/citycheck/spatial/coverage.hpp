#pragma once
// Service coverage (服务半径覆盖率 / 步行N分钟覆盖率): the share of demand (land area or population)
// within reach of the nearest facility, by Euclidean distance or network distance on a RoadGraph.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <citycheck/core/uninitialized_vector.hpp>
#include <citycheck/core/progress.hpp>
#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/network_search.hpp>
#include <citycheck/spatial/planar.hpp>

namespace citycheck::spatial {

// ---- zones, facilities and demand ----------------------------------------------------------------

struct ZonePolygons {
    std::vector<std::string> ids;
    std::vector<PolygonSet> polygons;
    Crs crs;
    Box extent() const;
};

// Reads polygon zones, projected to `target` (empty: a metric CRS for the zones' centre).
// Without id_field, zones are identified by their feature id. Layer: default the first.
ZonePolygons read_zones(const std::string& path, const std::string& id_field, const Crs& target = {},
                   const std::string& layer = "");

// Finds the zone containing a point (first match in zone order).
class ZoneLocator {
  public:
    explicit ZoneLocator(const ZonePolygons& zones);
    std::optional<std::uint32_t> locate(Pt p) const;

  private:
    const ZonePolygons& m_zones;
    std::vector<Box> m_boxes;
    double m_x0 = 0, m_y0 = 0, m_cell = 1;
    long long m_cols = 1, m_rows = 1;
    std::vector<std::vector<std::uint32_t>> m_buckets;
};

struct ReachTier {
    double min_area_m2 = 0;
    double reach_m = 0;
};
// "5000:500,2000:300" → tiers sorted by descending min area. Throws UsageError.
std::vector<ReachTier> parse_reach_tiers(const std::string& text);
// MOHURD 2021 park tiers: ≥ 5,000 m² → 500 m; 2,000–5,000 m² → 300 m.
std::vector<ReachTier> mohurd_park_tiers();

struct Facility {
    std::int64_t fid = 0;
    bool is_polygon = false;  // also true for lines (see is_line): their entrances are found the same way
    bool is_line = false;     // a line (greenway): `polygon` holds it as a degenerate ring out and back
    Pt point;                 // points; for polygons a representative vertex
    PolygonSet polygon;
    double area_m2 = 0;
    double reach = 0;         // metres
};

struct FacilitySet {
    std::vector<Facility> items;
    std::size_t read = 0;
    std::size_t below_smallest_tier = 0;  // polygons too small for any tier (dropped)
};

// Points, lines (greenways: distance to the line) or polygons (GPKG/SHP/GeoJSON/OSM `points`/
// `multipolygons` layers, CSV with lon/lat columns, or a GTFS stops.txt with stop_lon/stop_lat),
// filtered by an OGR SQL `where`. CSV/GTFS coordinates are lon/lat in `coords` (converted to WGS84
// on ingest); other layers in GCJ-02/BD-09 must be lon/lat too. Reach: tiers by polygon area when
// given (points and lines get `reach`), else `reach` for every facility.
FacilitySet read_facilities(const std::string& path, const std::string& where, const Crs& target, double reach,
                            const std::vector<ReachTier>& tiers, const std::string& layer = "",
                            CoordSystem coords = CoordSystem::wgs84);

// A GTFS stops.txt (or any .txt table with stop_lat/stop_lon columns).
bool is_gtfs_stops_path(const std::string& path);

// Demand: weighted positions with a zone; area demand also keeps its grid cell for maps.
struct DemandGrid {
    double x0 = 0, y0 = 0, cell = 10;  // top-left corner, square cells
    int cols = 0, rows = 0;
};

struct DemandCell {
    Pt p;
    double weight = 0;
    std::uint32_t zone = 0;
    std::int64_t cell = -1;   // row * cols + col on the demand grid, or -1
};

struct Demand {
    UninitializedVector<DemandCell> cells;  // sized, then filled in parallel: not zeroed first
    std::optional<DemandGrid> grid;
    bool is_area = true;      // weights are m² (else counts such as population)
};

// A grid of `cell` metres aligned to multiples of the cell size, covering the zones.
DemandGrid demand_grid_for(const ZonePolygons& zones, double cell);

// Turns a polygon into demand-grid cells: emit(cell index, covered fraction in (0, 1]). Called
// from several threads at once (one polygon each): it must not share mutable state.
using CellDiscretiser = std::function<void(const DemandGrid&, const PolygonSet&,
                                           const std::function<void(std::int64_t cell, double fraction)>&)>;
// Built in: fraction 1 for cells whose centre lies inside, else nothing. The exact coverage
// fractions of raster/coverage.hpp are plugged in by raster::exact_cell_discretiser() (the spatial
// module cannot depend on raster).
CellDiscretiser centre_sampling();

// Land area of each zone: weight = fraction × cell area, one entry per (zone, cell), sorted by zone
// then cell. Zones are discretised in parallel.
Demand zone_area_demand(const ZonePolygons& zones, double cell, const CellDiscretiser& cells = centre_sampling());
// Land area from polygons (e.g. residential land) inside the zones; overlapping polygons count once
// (per cell, the demand share is min(1, Σ fractions)); within a cell cut by a zone boundary the two
// shares multiply. With value_field, each polygon's value (e.g. population) is spread over its
// cells in proportion to their covered fractions instead.
Demand polygon_demand(const ZonePolygons& zones, const std::string& path, const std::string& where, double cell,
                      const std::string& value_field = "", const CellDiscretiser& cells = centre_sampling());
// Population from a raster (each pixel centre carries its value) or points with a count field
// (CSV with lon/lat columns in EPSG:4326, or any point layer).
Demand raster_demand(const ZonePolygons& zones, const std::string& path);
Demand point_demand(const ZonePolygons& zones, const std::string& path, const std::string& value_field);

// ---- coverage ---------------------------------------------------------------------------------

struct CoverageOptions {
    bool network = false;
    double facility_snap_max = 100;     // metres from a facility (point) to the network
    double demand_access_max = -1;      // metres from a demand position to the network (< 0: the reach)
    bool count_access = true;           // access legs count toward the distance (REFERENCE.md V4)
    bool largest_component_only = true; // snap only onto the largest connected component
    double boundary_tolerance = 20;     // polygon facilities: edges this close to the boundary are entrances
    double boundary_sample = 0;         // > 0: instead, boundary samples every N m snapped within tolerance
    bool catchments = false;            // per-facility demand within reach and nearest (network only)
    std::size_t island_nodes = 20;      // components (other than the largest) below this many nodes are small islands
    bool keep_distances = false;        // per-cell distance for a raster
};

struct ZoneCoverage {
    double demand = 0;
    double covered = 0;
    double percent() const { return demand > 0 ? 100.0 * covered / demand : 0.0; }
};

struct FacilityCatchment {
    std::int64_t fid = 0;
    double reach = 0;
    std::size_t access_points = 0;
    double demand_within_reach = 0;
    double demand_nearest = 0;
};

struct CoverageStats {
    std::size_t facilities = 0, facilities_unsnapped = 0, access_points = 0;
    std::size_t demand_cells = 0, demand_unsnapped = 0;
    double demand_unsnapped_weight = 0;
    // Network diagnostics: facilities and demand whose nearest edge lies on a small island (a
    // component below island_nodes nodes): cut off from the network that the search uses.
    std::size_t island_components = 0;
    std::size_t facilities_on_islands = 0;
    std::vector<std::int64_t> island_facility_fids;  // in facility order
    std::size_t demand_on_islands = 0;
    double demand_on_islands_weight = 0;
    double snap_seconds = 0, search_seconds = 0, evaluate_seconds = 0, aggregate_seconds = 0, catchment_seconds = 0;
    std::uint64_t edges_relaxed = 0;
};

struct CoverageResult {
    std::vector<ZoneCoverage> zones;
    std::vector<std::uint8_t> covered;   // per demand cell
    std::vector<float> distance;         // per demand cell (keep_distances); +inf when beyond reach
    std::vector<FacilityCatchment> catchments;
    CoverageStats stats;
};

// With tiers, the distance reported per cell is the effective distance d + (max_reach - own reach),
// which is ≤ max_reach exactly when some facility reaches the cell. On a graph whose costs are travel
// times (RoadGraph::set_costs_by_edge), reaches are in that unit (minutes) and the access legs are
// travelled at the speed of the edge they join (their length × its cost_rate).
// Demand cells placed on the network: each cell's nearest usable edge within `access_cap` metres
// (farther cells stay unsnapped). It depends only on the graph, the demand and the edge filter, so
// one snap serves every coverage over them (a run's life-circle indicators share one). Holds a
// reference to the graph: keep the graph alive as long as the snap.
struct DemandSnap {
    DemandSnap(const RoadGraph& graph, bool largest_component_only);
    bool largest_component_only;
    double access_cap = 0;
    EdgeIndex index;  // over the usable edges
    UninitializedVector<EdgePosition> positions;  // per demand cell; invalid where none within the cap
};
// Cells with skip[i] != 0 (when skip is given) are not snapped: their positions are invalid.
std::shared_ptr<const DemandSnap> snap_demand(const RoadGraph& graph, const Demand& demand, bool largest_component_only,
                                              double access_cap, std::span<const std::uint8_t> skip = {});

// How far (m) a demand cell may lie from the network and still be served: the reach carried as an
// access leg (options.demand_access_max when set).
double demand_access_max(const RoadGraph& graph, const FacilitySet& facilities, const CoverageOptions& options);

// `snap` (optional): a DemandSnap of this graph and demand, used when its edge filter matches and
// its cap covers the access distance needed; otherwise the demand is snapped here.
CoverageResult compute_coverage(const FacilitySet& facilities, const Demand& demand, std::size_t zone_count,
                                const RoadGraph* graph, const CoverageOptions& options, const Progress& progress = {},
                                const DemandSnap* snap = nullptr);

// Network sources for the facilities (one facility may have many entrances; all carry its index).
std::vector<Source> facility_sources(const RoadGraph& graph, const EdgeIndex& index, const FacilitySet& facilities,
                                     const CoverageOptions& options, double max_reach, CoverageStats& stats);

// Service areas: the covered demand cells of each zone dissolved to polygons and clipped to the
// zone, one (Multi)Polygon per zone (WKB in the zones' CRS; empty when nothing is covered), built
// zone by zone so that memory stays bounded by one zone's cells. simplify_m > 0 simplifies each
// polygon (topology preserving) at that tolerance to shed the cell staircase; 0 keeps every vertex.
// Needs gridded demand (zone area, polygons, or a population grid); throws UsageError otherwise.
struct ServiceAreas {
    std::vector<std::vector<unsigned char>> zone_wkb;  // per zone
    std::vector<double> covered;                       // per zone: covered demand (m² or persons)
    std::vector<Pt> facilities;                        // facility positions (polygon facilities: a point on them)
};
ServiceAreas service_areas(const ZonePolygons& zones, const Demand& demand, const CoverageResult& result,
                           double simplify_m = 0);
std::vector<Pt> facility_positions(const FacilitySet& facilities);

// Service areas: the covered cells of each zone dissolved to polygons, written as a GPKG/GeoJSON layer.
void write_service_areas(const std::string& path, const ZonePolygons& zones, const Demand& demand,
                         const CoverageResult& result);
// Distance to the nearest facility (within reach) on the demand grid as a Float32 GeoTIFF.
void write_distance_raster(const std::string& path, const Crs& crs, const Demand& demand, const CoverageResult& result);

}  // namespace citycheck::spatial
