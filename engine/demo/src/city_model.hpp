#pragma once
// The demo city as pure functions of (seed, size): a square of nb × nb blocks of 200 m, each block a
// ring of road land around an interior of land-use rectangles on the 10 m grid. Zones are unions of
// whole blocks, so every known answer (areas, green share, buffers, populations) is exact arithmetic.
#include <array>
#include <cstdint>
#include <string>
#include <map>
#include <vector>

namespace citycheck::demo::detail {

constexpr int block_m = 200;         // block side (m); roads run along block edges
constexpr int ring_m = 10;           // road land on each side of a block edge
constexpr double origin_x = 490000;  // south-west corner in EPSG:4547 (CM 114E, ~30.5N)
constexpr double origin_y = 3376000;
constexpr int epsg = 4547;

// 三调 land classes used by the demo (DLBM, DLMC and how they look in the image).
enum class Land : std::uint8_t {
    paddy_0101, forest_0301, shrub_0305, grass_0404, commercial_05H1, industrial_0601, urban_home_0701,
    rural_home_0702, public_08H2, park_0810, plaza_0810A, urban_road_1004, rural_road_1006, river_1101,
    pond_1104, ridge_1203, count_
};
constexpr int land_count = static_cast<int>(Land::count_);

struct LandInfo {
    const char* dlbm;
    const char* dlmc;
    bool vegetated;  // NDVI >= 0.3 in the image
    bool residential;
    std::array<int, 4> dn;  // blue, green, red, NIR (reflectance x 10000)
};
const LandInfo& land_info(Land l);

struct Rect {  // [x0, x1) × [y0, y1); local metres in a block, or block indices for zones
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    long long area() const noexcept { return 1LL * (x1 - x0) * (y1 - y0); }
    bool intersects(const Rect& o) const noexcept { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

// The first seven are the original kinds; the later ones were added for the catalogue's safety
// and life-circle indicators (their placement uses its own hash streams, so older kinds, parcels
// and populations are unchanged for a seed).
enum class Facility : std::uint8_t {
    primary_school, middle_school, kindergarten, clinic, elderly_care, market, sports, culture, football, fire_station,
    waterlogging_point, count_
};
constexpr int facility_point_kinds = static_cast<int>(Facility::count_);

struct PlannedParcel {
    Rect r;  // local metres
    Land land;
    bool ring = false;  // the road-land ring: the block minus [10,190]², r is the whole block
};

struct PlannedFacility {
    Facility kind;
    int x, y;  // local metres
};

enum class BlockKind : std::uint8_t {
    river, urban_residential, commercial, civic, park, industrial, paddy, forest, shrub, grass, pond, village,
    rural_industry, benchmark_park_area, quarter_green
};

struct BlockPlan {
    BlockKind kind;
    bool urban = false;
    const char* czcsxm = "";  // 城镇村属性码: 201 city, 202 town, 203 village, "" outside
    std::vector<PlannedParcel> parcels;  // ring first (when present), then the interior
    std::vector<PlannedFacility> facilities;
    bool service_stub = false;  // dead-end service road from the south edge midpoint, 70 m north
    bool footway = false;       // footway from the south edge midpoint to the north edge midpoint
};

struct Zone {
    std::string code, name, parent_code;
    Rect blocks;  // in block indices
    int level = 0;  // 1 city … 4 community
    bool rural = false;
};

struct ZoneIndex {  // hierarchical splits, so block → community is a few binary searches
    std::vector<int> dxs, dys;  // district boundaries (block indices)
    struct Split {
        std::vector<int> xs, ys;
        int first_child = 0;
    };
    std::vector<Split> district_splits, subdistrict_splits;
};

class CityModel {
  public:
    CityModel(std::uint64_t seed, double size_km);

    std::uint64_t seed() const noexcept { return m_seed; }
    int nb() const noexcept { return m_nb; }  // blocks per side
    int side_m() const noexcept { return m_nb * block_m; }
    int river_row() const noexcept { return m_river_row; }
    const Rect& benchmark_area() const noexcept { return m_bench; }  // 7 × 7 blocks
    Rect benchmark_park_world() const;  // the benchmark park in metres from the origin
    int quarter_green_community() const noexcept { return m_quarter; }

    const Zone& city() const noexcept { return m_city; }
    const std::vector<Zone>& districts() const noexcept { return m_districts; }
    const std::vector<Zone>& subdistricts() const noexcept { return m_subdistricts; }
    const std::vector<Zone>& communities() const noexcept { return m_communities; }
    int community_of_block(int i, int j) const;

    BlockPlan plan(int i, int j) const;  // pure: same (seed, i, j) → same plan
    bool block_urban(int i, int j) const;
    // Built-up (建成区) blocks: those whose plan is urban (the river row is not).
    bool block_builtup(int i, int j) const { return m_builtup[static_cast<std::size_t>(j) * static_cast<std::size_t>(m_nb) + static_cast<std::size_t>(i)] != 0; }
    // 城区: the communities (社区 or 村) that contain built-up land — whole units, as TD/T 1064 draws it.
    bool community_in_urban_area(int k) const { return m_in_urban_area[static_cast<std::size_t>(k)] != 0; }

    // Roads: line classes and names.
    const char* line_class(int k) const;  // primary, secondary, tertiary or minor
    std::string line_name(bool vertical, int k) const;
    int overpass_row() const noexcept { return m_overpass_row; }

    // Population of a residential parcel (persons), an integer by construction.
    long long parcel_population(int i, int j, const PlannedParcel& p, int index) const;

  private:
    BlockPlan plan_core(int i, int j) const;  // without the community clinic
    void place_clinics();
    void place_fire_stations();
    void mark_builtup();
    void place_showcase();
    void build_zones();
    void choose_special_areas();
    double urbanness(int i, int j) const;
    BlockKind base_kind(int i, int j, bool& urban, const char*& czcsxm) const;

    std::uint64_t m_seed;
    int m_nb;
    int m_river_row;
    int m_overpass_row;
    Rect m_bench;
    int m_quarter = -1;
    Zone m_city;
    std::vector<Zone> m_districts, m_subdistricts, m_communities;
    ZoneIndex m_index;
    std::vector<std::array<int, 4>> m_clinics;
    std::map<long long, std::array<int, 2>> m_fire;
    std::vector<char> m_builtup;        // per block (j * nb + i)
    std::vector<char> m_in_urban_area;  // per community  // block (i * nb + j) → local x, y of its fire station
    struct Showcase {
        BlockKind kind;
        int variant;
        std::vector<Facility> facilities;
    };
    std::map<long long, Showcase> m_showcase;  // block (i * nb + j) → forced plan  // per community: block i, j and local x, y; i < 0 if none
};

std::string chinese_number(int n);  // 1 → 一, 12 → 十二, 105 → 一百零五

}  // namespace citycheck::demo::detail
