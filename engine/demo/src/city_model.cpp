#include "city_model.hpp"

#include <algorithm>
#include <cmath>

#include <citycheck/core/error.hpp>

#include "hash.hpp"
#include "writers.hpp"

namespace citycheck::demo::detail {

namespace {

// Reflectances keep a wide margin around NDVI 0.3 even with the per-pixel noise (±60 on visible
// bands, ±150 on NIR): vegetated classes stay above 0.6, everything else below 0.2.
const LandInfo k_land[land_count] = {
    {"0101", "水田", true, false, {450, 800, 500, 3300}},
    {"0301", "乔木林地", true, false, {300, 550, 350, 3200}},
    {"0305", "灌木林地", true, false, {350, 600, 450, 2900}},
    {"0404", "其他草地", true, false, {420, 750, 550, 3000}},
    {"05H1", "商业服务业设施用地", false, false, {1300, 1400, 1500, 1650}},
    {"0601", "工业用地", false, false, {1500, 1550, 1600, 1750}},
    {"0701", "城镇住宅用地", false, true, {1100, 1200, 1300, 1500}},
    {"0702", "农村宅基地", false, true, {1000, 1100, 1200, 1500}},
    {"08H2", "科教文卫用地", false, false, {1150, 1250, 1350, 1600}},
    {"0810", "公园与绿地", true, false, {400, 700, 450, 3600}},
    {"0810A", "广场用地", false, false, {1600, 1650, 1700, 1800}},
    {"1004", "城镇村道路用地", false, false, {900, 950, 1000, 1100}},
    {"1006", "农村道路", false, false, {1000, 1100, 1200, 1400}},
    {"1101", "河流水面", false, false, {700, 600, 400, 200}},
    {"1104", "坑塘水面", false, false, {650, 650, 450, 250}},
    {"1203", "田坎", false, false, {900, 1100, 1300, 1900}},
};

const char* const k_name_a[] = {"东", "西", "南", "北", "中", "新", "长", "永", "兴", "和", "光", "临", "望", "金",
                                "银", "玉", "青", "丽", "安", "福", "康", "宁", "华", "锦", "翠", "柳", "桂", "梅",
                                "兰", "竹", "松", "枫", "桃", "杏", "荷", "明", "德", "仁", "信", "文"};
const char* const k_name_b[] = {"湖", "城", "苑", "园", "桥", "港", "岭", "湾", "坊", "庄",
                                "塘", "林", "山", "河", "溪", "沙", "坪", "台", "源", "泉"};
constexpr int k_na = sizeof(k_name_a) / sizeof(k_name_a[0]);
constexpr int k_nb = sizeof(k_name_b) / sizeof(k_name_b[0]);

}  // namespace

std::string pooled_name(std::uint64_t seed, int level, int index) {
    const int pool = k_na * k_nb;
    const int off = static_cast<int>(below(mix(seed, tag_names, level), static_cast<std::uint32_t>(pool)));
    const int q = (index + off) % pool;
    std::string s = std::string(k_name_a[q % k_na]) + k_name_b[(q / k_na + level * 7) % k_nb];
    if (index >= pool) s += chinese_number(index / pool + 1);
    return s;
}

namespace {

// Near-equal integer split of [begin, end) into parts (larger parts first).
std::vector<int> split(int begin, int end, int parts) {
    const int n = end - begin;
    parts = std::clamp(parts, 1, n);
    std::vector<int> b{begin};
    for (int k = 0; k < parts; ++k) b.push_back(b.back() + n / parts + (k < n % parts ? 1 : 0));
    return b;
}

int find_slot(const std::vector<int>& b, int v) {
    return static_cast<int>(std::upper_bound(b.begin(), b.end(), v) - b.begin()) - 1;
}

std::string pad(int v, int width) {
    std::string s = std::to_string(v);
    return std::string(static_cast<std::size_t>(std::max(0, width - static_cast<int>(s.size()))), '0') + s;
}

}  // namespace

double rect_distance(const Rect& a, const Rect& b) {  // between two rectangles, 0 if they touch
    const double gx = std::max({0, a.x0 - b.x1, b.x0 - a.x1});
    const double gy = std::max({0, a.y0 - b.y1, b.y0 - a.y1});
    return std::sqrt(gx * gx + gy * gy);  // sqrt is correctly rounded everywhere; hypot is not
}

double max_corner_distance(const Rect& r, const Rect& park) {  // farthest point of r from park
    double m = 0;
    for (int x : {r.x0, r.x1})
        for (int y : {r.y0, r.y1}) m = std::max(m, rect_distance(Rect{x, y, x, y}, park));
    return m;
}

const LandInfo& land_info(Land l) { return k_land[static_cast<int>(l)]; }

std::string chinese_number(int n) {
    static const char* const d[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n < 0) return std::to_string(n);
    if (n < 10) return d[n];
    if (n < 20) return std::string("十") + (n % 10 ? d[n % 10] : "");
    if (n < 100) return std::string(d[n / 10]) + "十" + (n % 10 ? d[n % 10] : "");
    if (n < 1000) {
        std::string s = std::string(d[n / 100]) + "百";
        const int r = n % 100;
        if (r == 0) return s;
        if (r < 10) return s + "零" + d[r];
        if (r < 20) return s + "一" + chinese_number(r);
        return s + chinese_number(r);
    }
    return std::to_string(n);
}

CityModel::CityModel(std::uint64_t seed, double size_km) : m_seed(seed) {
    if (!(size_km >= 2.0) || size_km > 1000.0)
        throw UsageError("the demo city size must be between 2 and 1000 km (got " + std::to_string(size_km) + ")");
    m_nb = std::max(10, static_cast<int>(std::lround(size_km * 1000.0 / block_m)));
    m_river_row = m_nb * 7 / 10;
    m_overpass_row = -1;
    for (int j = m_nb / 4; j < m_nb; ++j)
        if (j % 5 == 1 && j >= 1 && j != m_river_row && j - 1 != m_river_row && j != m_river_row + 1) {
            m_overpass_row = j;
            break;
        }
    build_zones();
    choose_special_areas();
    place_showcase();
    place_clinics();
    mark_builtup();
    place_fire_stations();
}

void CityModel::mark_builtup() {
    m_builtup.assign(static_cast<std::size_t>(m_nb) * static_cast<std::size_t>(m_nb), 0);
    m_in_urban_area.assign(m_communities.size(), 0);
    for (int j = 0; j < m_nb; ++j)
        for (int i = 0; i < m_nb; ++i)
            if (plan_core(i, j).urban) {
                m_builtup[static_cast<std::size_t>(j) * static_cast<std::size_t>(m_nb) + static_cast<std::size_t>(i)] = 1;
                m_in_urban_area[static_cast<std::size_t>(community_of_block(i, j))] = 1;
            }
}

double CityModel::urbanness(int i, int j) const {
    // Distance from the centre (1 at the edge midpoints) bent by smooth value noise on a 6-block lattice.
    const double dx = (i + 0.5) / m_nb - 0.5, dy = (j + 0.5) / m_nb - 0.5;
    const double r = std::sqrt(dx * dx + dy * dy) / 0.5;  // sqrt, not hypot: correctly rounded everywhere
    const int cell = 6;
    const int gi = i / cell, gj = j / cell;
    const double fx = (i % cell + 0.5) / cell, fy = (j % cell + 0.5) / cell;
    auto corner = [&](int a, int b) { return signed_unit(mix(m_seed, tag_urban_noise, a, b)); };
    const double n = (1 - fx) * (1 - fy) * corner(gi, gj) + fx * (1 - fy) * corner(gi + 1, gj) +
                     (1 - fx) * fy * corner(gi, gj + 1) + fx * fy * corner(gi + 1, gj + 1);
    return 1.0 - (r + 0.18 * n);  // > 0.38 is urban
}

bool CityModel::block_urban(int i, int j) const {
    if (j == m_river_row) return false;
    if (urbanness(i, j) > 0.38) return true;
    const double tx = 0.82 * m_nb, ty = 0.18 * m_nb;  // a satellite town (建制镇)
    const double ex = i + 0.5 - tx, ey = j + 0.5 - ty;
    return std::sqrt(ex * ex + ey * ey) < std::max(1.2, 0.05 * m_nb);
}

BlockKind CityModel::base_kind(int i, int j, bool& urban, const char*& czcsxm) const {
    urban = false;
    czcsxm = "";
    if (j == m_river_row) return BlockKind::river;
    const double h = unit(mix(m_seed, tag_block_kind, i, j));
    if (block_urban(i, j)) {
        urban = true;
        czcsxm = urbanness(i, j) > 0.38 ? "201" : "202";
        const bool core = urbanness(i, j) > 0.75;
        if (core) return h < 0.30 ? BlockKind::commercial : h < 0.80 ? BlockKind::urban_residential
                         : h < 0.90 ? BlockKind::civic : BlockKind::park;
        return h < 0.10 ? BlockKind::commercial : h < 0.66 ? BlockKind::urban_residential
               : h < 0.75 ? BlockKind::civic : h < 0.83 ? BlockKind::park : BlockKind::industrial;
    }
    if (h < 0.50) return BlockKind::paddy;
    if (h < 0.62) return BlockKind::forest;
    if (h < 0.67) return BlockKind::shrub;
    if (h < 0.73) return BlockKind::grass;
    if (h < 0.78) return BlockKind::pond;
    if (h < 0.94) {
        czcsxm = "203";
        return BlockKind::village;
    }
    return BlockKind::rural_industry;
}

void CityModel::build_zones() {
    const double km = block_m / 1000.0;
    const int m = static_cast<int>(std::clamp(std::lround(m_nb * km / 20.0), 1L, 5L));
    m_index.dxs = split(0, m_nb, 3 * m);
    m_index.dys = split(0, m_nb, m);
    const int ndx = static_cast<int>(m_index.dxs.size()) - 1, ndy = static_cast<int>(m_index.dys.size()) - 1;
    m_city = Zone{"429900000000", "示范市", "", Rect{0, 0, m_nb, m_nb}, 1, false};

    // Districts in reading order (north row first, then west → east).
    for (int ey = ndy - 1; ey >= 0; --ey)
        for (int ex = 0; ex < ndx; ++ex) {
            const int d = static_cast<int>(m_districts.size());
            Zone z;
            z.level = 2;
            z.code = "4299" + pad(d + 1, 2) + "000000";
            z.name = pooled_name(m_seed, 2, d) + "区";
            z.parent_code = m_city.code;
            z.blocks = Rect{m_index.dxs[ex], m_index.dys[ey], m_index.dxs[ex + 1], m_index.dys[ey + 1]};
            m_districts.push_back(z);
        }
    for (std::size_t d = 0; d < m_districts.size(); ++d) {
        const Zone& dz = m_districts[d];
        const int w = dz.blocks.x1 - dz.blocks.x0, h = dz.blocks.y1 - dz.blocks.y0;
        const int sx = static_cast<int>(std::max(1L, std::lround(w * km / 1.7)));
        const int sy = static_cast<int>(std::max(1L, std::lround(h * km / 5.0)));
        ZoneIndex::Split sp{split(dz.blocks.x0, dz.blocks.x1, sx), split(dz.blocks.y0, dz.blocks.y1, sy),
                            static_cast<int>(m_subdistricts.size())};
        int town = 0;
        for (int ey = static_cast<int>(sp.ys.size()) - 2; ey >= 0; --ey)
            for (int ex = 0; ex + 1 < static_cast<int>(sp.xs.size()); ++ex) {
                Zone z;
                z.level = 3;
                z.code = dz.code.substr(0, 6) + pad(++town, 3) + "000";
                z.name = pooled_name(m_seed, 3, static_cast<int>(m_subdistricts.size())) + "街道";
                z.parent_code = dz.code;
                z.blocks = Rect{sp.xs[ex], sp.ys[ey], sp.xs[ex + 1], sp.ys[ey + 1]};
                m_subdistricts.push_back(z);
            }
        m_index.district_splits.push_back(std::move(sp));
    }
    for (std::size_t s = 0; s < m_subdistricts.size(); ++s) {
        const Zone& sz = m_subdistricts[s];
        const int w = sz.blocks.x1 - sz.blocks.x0, h = sz.blocks.y1 - sz.blocks.y0;
        const int cx = static_cast<int>(std::max(1L, std::lround(w * km / 1.6)));
        const int cy = static_cast<int>(std::max(1L, std::lround(h * km / 1.0)));
        ZoneIndex::Split sp{split(sz.blocks.x0, sz.blocks.x1, cx), split(sz.blocks.y0, sz.blocks.y1, cy),
                            static_cast<int>(m_communities.size())};
        int urban_no = 0, rural_no = 200;
        for (int ey = static_cast<int>(sp.ys.size()) - 2; ey >= 0; --ey)
            for (int ex = 0; ex + 1 < static_cast<int>(sp.xs.size()); ++ex) {
                Zone z;
                z.level = 4;
                z.blocks = Rect{sp.xs[ex], sp.ys[ey], sp.xs[ex + 1], sp.ys[ey + 1]};
                int urban = 0, land = 0;
                for (int j = z.blocks.y0; j < z.blocks.y1; ++j) {
                    if (j == m_river_row) continue;
                    for (int i = z.blocks.x0; i < z.blocks.x1; ++i) {
                        ++land;
                        urban += block_urban(i, j) ? 1 : 0;
                    }
                }
                z.rural = 2 * urban < land;
                z.code = sz.code.substr(0, 9) + pad(z.rural ? ++rural_no : ++urban_no, 3);
                z.name = pooled_name(m_seed, 4, static_cast<int>(m_communities.size())) + (z.rural ? "村" : "社区");
                z.parent_code = sz.code;
                m_communities.push_back(z);
            }
        m_index.subdistrict_splits.push_back(std::move(sp));
    }
}

int CityModel::community_of_block(int i, int j) const {
    const int ex = find_slot(m_index.dxs, i), ey = find_slot(m_index.dys, j);
    const int ndx = static_cast<int>(m_index.dxs.size()) - 1, ndy = static_cast<int>(m_index.dys.size()) - 1;
    const int d = (ndy - 1 - ey) * ndx + ex;
    auto child = [&](const ZoneIndex::Split& sp) {
        const int sx = find_slot(sp.xs, i), sy = find_slot(sp.ys, j);
        const int nx = static_cast<int>(sp.xs.size()) - 1, ny = static_cast<int>(sp.ys.size()) - 1;
        return sp.first_child + (ny - 1 - sy) * nx + sx;
    };
    const int s = child(m_index.district_splits[static_cast<std::size_t>(d)]);
    return child(m_index.subdistrict_splits[static_cast<std::size_t>(s)]);
}

void CityModel::choose_special_areas() {
    // The 7 × 7-block benchmark area (park in its centre block) as near the centre as possible, and
    // the first community that avoids both it and the river becomes the 25 %-green community.
    const int c0 = m_nb / 2 - 3;
    const Rect river{0, m_river_row, m_nb, m_river_row + 1};
    for (int dist = 0; dist <= 2 * m_nb; ++dist)
        for (int oy = 0; oy + 7 <= m_nb; ++oy)
            for (int ox = 0; ox + 7 <= m_nb; ++ox) {
                if (std::abs(ox - c0) + std::abs(oy - c0) != dist) continue;
                const Rect bench{ox, oy, ox + 7, oy + 7};
                if (bench.intersects(river)) continue;
                for (int pass = 0; pass < 2; ++pass)  // prefer an urban community
                    for (std::size_t k = 0; k < m_communities.size(); ++k) {
                        const Rect& cb = m_communities[k].blocks;
                        if (cb.intersects(river) || cb.intersects(bench) || (pass == 0 && m_communities[k].rural))
                            continue;
                        m_bench = bench;
                        m_quarter = static_cast<int>(k);
                        return;
                    }
            }
    throw InternalError("demo city: no room for the benchmark park area and the 25 % green community");
}

Rect CityModel::benchmark_park_world() const {
    const int bx = (m_bench.x0 + 3) * block_m, by = (m_bench.y0 + 3) * block_m;
    return Rect{bx + 80, by + 100, bx + 170, by + 150};  // 90 m × 50 m = 4 500 m²
}

const char* CityModel::line_class(int k) const {
    if (k % 10 == 5) return "primary";
    if (k % 10 == 0) return "secondary";
    if (k % 5 == 2) return "tertiary";
    return "minor";
}

std::string CityModel::line_name(bool vertical, int k) const {
    const std::string cls = line_class(k);
    if (cls == "minor") return (vertical ? "经" : "纬") + chinese_number(k) + "路";
    const std::string base = pooled_name(m_seed, vertical ? 5 : 6, k);
    if (cls == "primary") return base + "大道";
    if (cls == "secondary") return base + "路";
    return base + "街";
}

long long CityModel::parcel_population(int i, int j, const PlannedParcel& p, int index) const {
    if (p.ring) return 0;
    const double u = unit(mix(m_seed, tag_density, i, j, index));
    if (p.land == Land::urban_home_0701) return std::llround(static_cast<double>(p.r.area()) * (0.025 + 0.03 * u));
    if (p.land == Land::rural_home_0702) return std::llround(static_cast<double>(p.r.area()) * (0.006 + 0.006 * u));
    return 0;
}

BlockPlan CityModel::plan_core(int i, int j) const {
    BlockPlan b;
    const Rect whole{0, 0, block_m, block_m};
    const int lo = ring_m, hi = block_m - ring_m;
    const Rect inner{lo, lo, hi, hi};
    auto add = [&](int x0, int y0, int x1, int y1, Land l) { b.parcels.push_back({Rect{x0, y0, x1, y1}, l, false}); };
    auto fac = [&](Facility f, int x, int y) { b.facilities.push_back({f, x, y}); };
    const std::uint64_t hv = mix(m_seed, tag_block_variant, i, j);
    const std::uint64_t hx = mix(m_seed, tag_block_extra, i, j);
    const std::uint64_t hf = mix(m_seed, tag_facility, i, j);
    int v = static_cast<int>(below(hv, 100));
    const auto showcase = m_showcase.find(1LL * i * m_nb + j);
    const bool in_bench = i >= m_bench.x0 && i < m_bench.x1 && j >= m_bench.y0 && j < m_bench.y1;
    const int community = community_of_block(i, j);

    if (in_bench) {
        b.kind = BlockKind::benchmark_park_area;
    } else if (community == m_quarter) {
        b.kind = BlockKind::quarter_green;
    } else {
        bool urban = false;
        b.kind = base_kind(i, j, urban, b.czcsxm);
        if (showcase != m_showcase.end()) {
            b.kind = showcase->second.kind;
            v = showcase->second.variant;
            b.czcsxm = urban ? b.czcsxm : b.kind == BlockKind::village ? "203" : "";
        }
    }
    if (b.kind == BlockKind::benchmark_park_area || b.kind == BlockKind::quarter_green) {
        b.urban = true;
        b.czcsxm = "201";
    } else {
        bool urban = false;
        const char* cz = "";
        base_kind(i, j, urban, cz);
        b.urban = urban;
    }

    if (b.kind == BlockKind::river) {
        b.parcels.push_back({whole, Land::river_1101, false});
        return b;
    }
    b.parcels.push_back({whole, b.urban ? Land::urban_road_1004 : Land::rural_road_1006, true});

    switch (b.kind) {
    case BlockKind::benchmark_park_area: {
        const Rect park = benchmark_park_world();
        const int wx = i * block_m, wy = j * block_m;
        if (i == m_bench.x0 + 3 && j == m_bench.y0 + 3) {
            add(lo, lo, 80, hi, Land::urban_home_0701);
            add(80, lo, 170, 100, Land::urban_home_0701);
            add(80, 100, 170, 150, Land::park_0810);
            add(80, 150, 170, hi, Land::urban_home_0701);
            add(170, lo, hi, hi, Land::urban_home_0701);
            break;
        }
        // 3 × 3 lots of 60 m; a lot is housing only when it lies wholly inside the 300 m buffer,
        // wholly in the 300–500 m band or wholly beyond 500 m (5 m margins), so buffer answers are exact.
        for (int ly = 0; ly < 3; ++ly)
            for (int lx = 0; lx < 3; ++lx) {
                const Rect lot{lo + 60 * lx, lo + 60 * ly, lo + 60 * (lx + 1), lo + 60 * (ly + 1)};
                const Rect w{wx + lot.x0, wy + lot.y0, wx + lot.x1, wy + lot.y1};
                const double dmin = rect_distance(w, park), dmax = max_corner_distance(w, park);
                const bool clean = dmax <= 295 || (dmin >= 305 && dmax <= 495) || dmin >= 505;
                add(lot.x0, lot.y0, lot.x1, lot.y1, clean ? Land::urban_home_0701 : Land::commercial_05H1);
            }
        break;
    }
    case BlockKind::quarter_green:  // exactly 10 000 m² of park in every 40 000 m² block
        add(lo, lo, 110, 110, Land::park_0810);
        add(110, lo, hi, 110, Land::urban_home_0701);
        add(lo, 110, hi, hi, Land::urban_home_0701);
        break;
    case BlockKind::urban_residential: {
        static const int sizes[][2] = {{60, 50}, {40, 40}, {80, 70}, {70, 40}, {50, 30}, {100, 60}};
        if (v < 30) {
            add(lo, lo, hi, hi, Land::urban_home_0701);
        } else if (v < 60) {
            const auto* s = sizes[below(hx, 6)];
            add(lo, lo, lo + s[0], lo + s[1], Land::park_0810);
            add(lo + s[0], lo, hi, lo + s[1], Land::urban_home_0701);
            add(lo, lo + s[1], hi, hi, Land::urban_home_0701);
        } else if (v < 80) {
            add(lo, lo, hi, 90, Land::public_08H2);
            add(lo, 90, hi, hi, Land::urban_home_0701);
            fac(unit(hx) < 0.65 ? Facility::primary_school : Facility::middle_school, 100, 50);
        } else {
            add(lo, lo, hi, 40, Land::commercial_05H1);
            add(lo, 40, hi, hi, Land::urban_home_0701);
            if (unit(hx) < 0.5) fac(Facility::market, 100, 25);
        }
        const PlannedParcel& home = b.parcels.back();  // always housing
        const int hx0 = (home.r.x0 + home.r.x1) / 2, hy0 = (home.r.y0 + home.r.y1) / 2;
        if (unit(hf) < 0.25) fac(Facility::kindergarten, hx0 - 30, hy0);
        if (unit(splitmix64(hf)) < 0.12) fac(Facility::elderly_care, hx0 + 30, hy0);
        b.service_stub = unit(splitmix64(hx)) < 0.35;
        break;
    }
    case BlockKind::commercial:
        if (v < 50) {
            add(lo, lo, hi, hi, Land::commercial_05H1);
        } else {
            add(lo, lo, 70, hi, Land::commercial_05H1);
            add(70, lo, 130, 70, Land::commercial_05H1);
            add(70, 70, 130, 130, Land::plaza_0810A);
            add(70, 130, 130, hi, Land::commercial_05H1);
            add(130, lo, hi, hi, Land::commercial_05H1);
        }
        if (unit(hf) < 0.3) fac(Facility::market, 40, 100);
        if (unit(mix(m_seed, tag_facility_extra, i, j)) < 0.15) fac(Facility::culture, 160, 160);
        b.service_stub = unit(splitmix64(hx)) < 0.35;
        break;
    case BlockKind::civic:
        add(lo, lo, hi, hi, Land::public_08H2);
        // 60 m from the south street (the block centre would be exactly 100 m from every street,
        // the edge of the coverage primitive's snapping distance).
        fac(v < 40 ? Facility::middle_school : v < 70 ? Facility::primary_school : Facility::sports, 100, 60);
        if (unit(mix(m_seed, tag_facility_extra, i, j)) < 0.5) fac(Facility::culture, 50, 150);
        break;
    case BlockKind::park:
        if (v < 60) {
            add(lo, lo, hi, hi, Land::park_0810);
        } else {
            add(lo, lo, hi, 50, Land::plaza_0810A);
            add(lo, 50, hi, hi, Land::park_0810);
        }
        if (unit(hf) < 0.35) fac(Facility::sports, 60, 150);
        if (unit(mix(m_seed, tag_facility_extra, i, j)) < 0.5) fac(Facility::football, 140, 100);
        b.footway = true;
        break;
    case BlockKind::industrial:
        if (v < 50) {
            add(lo, lo, hi, hi, Land::industrial_0601);
        } else {
            add(lo, lo, 100, hi, Land::industrial_0601);
            add(100, lo, hi, hi, Land::industrial_0601);
        }
        b.service_stub = unit(splitmix64(hx)) < 0.5;
        break;
    case BlockKind::paddy: {
        const int x1 = 60 + 10 * static_cast<int>(below(hx, 7));
        add(lo, lo, x1, hi, Land::paddy_0101);
        add(x1, lo, x1 + 10, hi, Land::ridge_1203);
        add(x1 + 10, lo, hi, hi, Land::paddy_0101);
        break;
    }
    case BlockKind::forest: add(lo, lo, hi, hi, Land::forest_0301); break;
    case BlockKind::shrub: add(lo, lo, hi, hi, Land::shrub_0305); break;
    case BlockKind::grass: add(lo, lo, hi, hi, Land::grass_0404); break;
    case BlockKind::pond:
        add(lo, lo, hi, 60, Land::grass_0404);
        add(lo, 60, 50, 140, Land::grass_0404);
        add(50, 60, 150, 140, Land::pond_1104);
        add(150, 60, hi, 140, Land::grass_0404);
        add(lo, 140, hi, hi, Land::grass_0404);
        break;
    case BlockKind::village:
        add(lo, lo, hi, 40, Land::paddy_0101);
        add(lo, 40, 40, 160, Land::paddy_0101);
        add(40, 40, 160, 160, Land::rural_home_0702);
        add(160, 40, hi, 160, Land::paddy_0101);
        add(lo, 160, hi, hi, Land::paddy_0101);
        if (unit(hf) < 0.15) fac(Facility::elderly_care, 70, 100);
        if (unit(splitmix64(hf)) < 0.15) fac(Facility::kindergarten, 130, 100);
        break;
    case BlockKind::rural_industry: add(lo, lo, hi, hi, Land::industrial_0601); break;
    case BlockKind::river: break;
    }

    if (showcase != m_showcase.end()) {
        // The forced facilities go on the block's last interior parcel (housing where there is any).
        const Rect& r = b.parcels.back().r;
        int dx = -20;
        for (Facility f : showcase->second.facilities) {
            fac(f, (r.x0 + r.x1) / 2 + dx, (r.y0 + r.y1) / 2 + 10);
            dx += 40;
        }
    }
    (void)inner;
    return b;
}

BlockPlan CityModel::plan(int i, int j) const {
    BlockPlan b = plan_core(i, j);
    const auto& c = m_clinics[static_cast<std::size_t>(community_of_block(i, j))];
    if (c[0] == i && c[1] == j) b.facilities.push_back({Facility::clinic, c[2], c[3]});
    if (auto f = m_fire.find(1LL * i * m_nb + j); f != m_fire.end()) b.facilities.push_back({Facility::fire_station, f->second[0], f->second[1]});
    // 内涝积水点: about one built-up block in twenty, on the road land at the block's west edge (a
    // low point of the street), 5 m inside the block so it lies in exactly one community.
    if (b.urban && unit(mix(m_seed, tag_waterlogging, i, j)) < 0.05) b.facilities.push_back({Facility::waterlogging_point, 5, 100});
    return b;
}

void CityModel::place_fire_stations() {
    // One fire station per sub-district with built-up land: on the built-up block nearest the
    // sub-district's centre (ties: lower j, then lower i), 20 m from the block's south street.
    for (const auto& z : m_subdistricts) {
        const Rect& r = z.blocks;
        const double cx = (r.x0 + r.x1) / 2.0, cy = (r.y0 + r.y1) / 2.0;
        long long best = -1;
        double best_d = 0;
        for (int j = r.y0; j < r.y1; ++j)
            for (int i = r.x0; i < r.x1; ++i) {
                if (!block_builtup(i, j)) continue;
                const double dx = i + 0.5 - cx, dy = j + 0.5 - cy, d = dx * dx + dy * dy;
                if (best < 0 || d < best_d) best = 1LL * i * m_nb + j, best_d = d;
            }
        if (best >= 0) m_fire[best] = {100, 20};
    }
}

void CityModel::place_showcase() {
    // One block of each kind the documentation promises (every listed DLBM code, every facility kind),
    // so that even the smallest city has them; placed on a matching urban or rural block.
    struct Spec {
        BlockKind kind;
        int variant;
        bool urban;
        std::vector<Facility> facilities;
    };
    const std::vector<Spec> specs = {
        {BlockKind::civic, 50, true, {}},  // primary school (variant 40–69)
        {BlockKind::civic, 10, true, {}},  // middle school
        {BlockKind::commercial, 80, true, {Facility::market}},
        {BlockKind::park, 80, true, {Facility::sports}},
        {BlockKind::urban_residential, 10, true, {Facility::kindergarten, Facility::elderly_care}},
        {BlockKind::industrial, 10, true, {}},
        {BlockKind::paddy, 0, false, {}},
        {BlockKind::forest, 0, false, {}},
        {BlockKind::shrub, 0, false, {}},
        {BlockKind::grass, 0, false, {}},
        {BlockKind::pond, 0, false, {}},
        {BlockKind::village, 0, false, {}},
    };
    const long long n = 1LL * m_nb * m_nb;
    const long long start = static_cast<long long>(mix(m_seed, tag_block_extra, -1) % static_cast<std::uint64_t>(n));
    for (const auto& spec : specs) {
        for (int strict = 1; strict >= 0; --strict) {
            bool placed = false;
            for (long long t = 0; t < n && !placed; ++t) {
                const long long b = (start + t * 7919) % n;  // a prime stride spreads them out
                const int i = static_cast<int>(b / m_nb), j = static_cast<int>(b % m_nb);
                if (j == m_river_row || m_showcase.count(b)) continue;
                if (i >= m_bench.x0 && i < m_bench.x1 && j >= m_bench.y0 && j < m_bench.y1) continue;
                if (community_of_block(i, j) == m_quarter) continue;
                if (strict && block_urban(i, j) != spec.urban) continue;
                m_showcase[b] = {spec.kind, spec.variant, spec.facilities};
                placed = true;
            }
            if (placed) break;
        }
    }
}

void CityModel::place_clinics() {
    // One 社区卫生服务中心 in most communities: on the first built parcel found from the centre outwards.
    m_clinics.assign(m_communities.size(), {-1, -1, 0, 0});
    for (std::size_t k = 0; k < m_communities.size(); ++k) {
        if (unit(mix(m_seed, tag_community, static_cast<std::int64_t>(k))) >= 0.85) continue;
        const Rect& r = m_communities[k].blocks;
        const int ci = (r.x0 + r.x1) / 2, cj = (r.y0 + r.y1) / 2;
        const int reach = std::max(r.x1 - r.x0, r.y1 - r.y0);
        for (int d = 0; d <= reach && m_clinics[k][0] < 0; ++d)
            for (int j = cj - d; j <= cj + d && m_clinics[k][0] < 0; ++j)
                for (int i = ci - d; i <= ci + d && m_clinics[k][0] < 0; ++i) {
                    if (std::max(std::abs(i - ci), std::abs(j - cj)) != d) continue;
                    if (i < r.x0 || i >= r.x1 || j < r.y0 || j >= r.y1) continue;
                    for (const auto& p : plan_core(i, j).parcels) {
                        if (p.ring) continue;
                        if (p.land == Land::urban_home_0701 || p.land == Land::rural_home_0702 ||
                            p.land == Land::commercial_05H1 || p.land == Land::public_08H2) {
                            m_clinics[k] = {i, j, (p.r.x0 + p.r.x1) / 2 + 5, (p.r.y0 + p.r.y1) / 2 + 5};
                            break;
                        }
                    }
                }
    }
}

}  // namespace citycheck::demo::detail
