// Streams the city block by block (south row first): DLTB parcels to landuse.gpkg and the GBK
// Shapefile, parks, the block-planned facilities and the heat points. Memory stays one block deep.
#include <cinttypes>
#include <cstdio>
#include <fstream>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/crs.hpp>

#include "gcj02.hpp"
#include "hash.hpp"
#include "writers.hpp"

namespace citycheck::demo::detail {

namespace {

const std::vector<FieldDef> k_dltb_fields = {
    {"BSM", OFTInteger64, 18},     {"TBBH", OFTString, 8},     {"DLBM", OFTString, 5},
    {"DLMC", OFTString, 60},       {"QSXZ", OFTString, 2},     {"ZLDWDM", OFTString, 19},
    {"ZLDWMC", OFTString, 60},     {"TBMJ", OFTReal, 16, 2},   {"KCDLBM", OFTString, 5},
    {"KCXS", OFTReal, 6, 4},       {"KCMJ", OFTReal, 16, 2},   {"TBDLMJ", OFTReal, 16, 2},
    {"CZCSXM", OFTString, 4},
};

const char* const k_facility_names[facility_layers] = {
    "primary_school", "middle_school", "kindergarten", "clinic",         "elderly_care",       "market",
    "sports",         "culture",       "football",     "fire_station",   "waterlogging_point", "bus_stop",
    "metro_station"};
const char* const k_facility_suffix[facility_point_kinds] = {"小学",         "中学",         "幼儿园",
                                                             "社区卫生服务中心", "养老服务中心", "菜市场",
                                                             "全民健身中心",   "文化活动中心", "足球场",
                                                             "消防站",         "积水点"};

// The Shapefile format stops at 2–4 GB per file: above 100 km the GBK copy holds the south-west
// 100 km × 100 km (500 × 500 blocks, ≈ 0.9 million parcels, ≈ 0.2 GB DBF) only.
constexpr int k_shapefile_blocks = 500;

void set_dltb(OGRFeature& f, long long bsm, int tbbh, const LandInfo& li, bool state_owned, const Zone& community,
              long long area, int kc_percent, const char* czcsxm) {
    f.SetField("BSM", static_cast<GIntBig>(bsm));
    f.SetField("TBBH", std::to_string(tbbh).c_str());
    f.SetField("DLBM", li.dlbm);
    f.SetField("DLMC", li.dlmc);
    f.SetField("QSXZ", state_owned ? "10" : "30");  // 国有土地所有权 / 集体土地所有权
    f.SetField("ZLDWDM", community.code.c_str());
    f.SetField("ZLDWMC", community.name.c_str());
    f.SetField("TBMJ", static_cast<double>(area));
    const long long kc_cm2 = area * kc_percent;  // area × (kc/100) m² = area × kc (0.01 m²)
    if (kc_percent > 0) {
        f.SetField("KCDLBM", "1203");
        f.SetField("KCXS", kc_percent / 100.0);
    }
    f.SetField("KCMJ", static_cast<double>(kc_cm2) / 100.0);
    f.SetField("TBDLMJ", static_cast<double>(area * 100 - kc_cm2) / 100.0);
    f.SetField("CZCSXM", czcsxm);
}

}  // namespace

const char* facility_layer_name(int k) { return k_facility_names[k]; }

void open_facility_layers(VectorOut& out) {
    for (int k = 0; k < facility_layers; ++k)
        out.add_layer(k_facility_names[k], wkbPoint,
                      {{"id", OFTInteger64}, {"name", OFTString, 80}, {"kind", OFTString, 20},
                       {"community_code", OFTString, 12}, {"detail", OFTString, 40}});
}

void write_facility(VectorOut& out, Stats& s, int layer, const std::string& name, const std::string& community,
                    double x, double y, const char* extra) {
    OGRFeature& f = out.feature(layer);
    f.SetField("id", static_cast<GIntBig>(++s.facilities[static_cast<std::size_t>(layer)]));
    f.SetField("name", name.c_str());
    f.SetField("kind", k_facility_names[layer]);
    f.SetField("community_code", community.c_str());
    if (extra) f.SetField("detail", extra);
    OGRPoint p(origin_x + x, origin_y + y);
    f.SetGeometry(&p);
    out.write(layer);
    if (layer == bus_stop_layer || layer == metro_layer)
        s.transit_stops.push_back({layer == metro_layer, s.facilities[static_cast<std::size_t>(layer)], name, x, y});
}

void write_blocks(const CityModel& m, const std::filesystem::path& dir, VectorOut& facilities, Stats& s,
                  const Progress& progress) {
    const int nb = m.nb();
    const auto& comms = m.communities();
    s.community_population.assign(comms.size(), 0);
    s.community_vegetated.assign(comms.size(), 0);
    s.community_residential.assign(comms.size(), 0);
    std::vector<int> tbbh(comms.size(), 0);

    VectorOut gpkg(dir / "landuse.gpkg", "GPKG");
    const int dltb = gpkg.add_layer("DLTB", wkbPolygon, k_dltb_fields);
    VectorOut shp(dir / "dltb_gbk.shp", "ESRI Shapefile");
    const int dltb_shp = shp.add_layer("dltb_gbk", wkbPolygon, k_dltb_fields, {"ENCODING=CP936"});
    // 应急避难场所: every park of at least 5 000 m² in a community of 城区 (one with built-up land);
    // 固定 from 1 ha, else 紧急 (GB 51143-2015 classes, by size only).
    VectorOut shelters(dir / "shelters.gpkg", "GPKG");
    const int shelter_layer = shelters.add_layer("shelters", wkbPolygon,
                                                 {{"id", OFTInteger64}, {"name", OFTString, 80}, {"area_m2", OFTReal, 16, 2},
                                                  {"type", OFTString, 10}, {"community_code", OFTString, 12}});
    VectorOut parks(dir / "parks.gpkg", "GPKG");
    const int park_layer = parks.add_layer("parks", wkbPolygon,
                                           {{"park_id", OFTInteger64}, {"name", OFTString, 80},
                                            {"area_m2", OFTReal, 16, 2}, {"size_class", OFTString, 10},
                                            {"community_code", OFTString, 12}, {"dltb_bsm", OFTInteger64}});

    const auto heat_path = dir / "heat.csv";
    std::ofstream heat(heat_path, std::ios::binary);
    if (!heat) throw OutputError("cannot create the file", {.file = heat_path.string()});
    heat << "lon,lat,value\n";
    const spatial::Transform to_lonlat(spatial::Crs::from_epsg(epsg), spatial::Crs::from_epsg(4490));

    const Rect bench_park = m.benchmark_park_world();
    long long bsm = 0;
    ProgressCounter counter(progress, static_cast<std::size_t>(nb), "demo: land-use parcels");
    std::vector<Node> nodes;
    for (int j = 0; j < nb; ++j) {
        for (int i = 0; i < nb; ++i) {
            const BlockPlan plan = m.plan(i, j);
            const int ci = m.community_of_block(i, j);
            const Zone& community = comms[static_cast<std::size_t>(ci)];
            const double bx = i * block_m, by = j * block_m;
            const int kc_percent = std::array<int, 3>{5, 8, 10}[below(mix(m.seed(), tag_block_extra, i, j, 7), 3)];

            // Every parcel corner of the block, so that neighbours share vertices (no T-junctions).
            nodes.clear();
            for (const auto& p : plan.parcels) {
                const Rect r = p.ring ? Rect{ring_m, ring_m, block_m - ring_m, block_m - ring_m} : p.r;
                for (int x : {r.x0, r.x1})
                    for (int y : {r.y0, r.y1}) nodes.push_back({origin_x + bx + x, origin_y + by + y});
            }

            long long block_pop = 0;
            for (std::size_t k = 0; k < plan.parcels.size(); ++k) {
                const PlannedParcel& p = plan.parcels[k];
                const LandInfo& li = land_info(p.land);
                const double x0 = origin_x + bx + p.r.x0, y0 = origin_y + by + p.r.y0;
                const double x1 = origin_x + bx + p.r.x1, y1 = origin_y + by + p.r.y1;
                OGRPolygon poly;
                poly.addRingDirectly(new OGRLinearRing(rect_ring(x0, y0, x1, y1, nodes)));
                long long area = p.r.area();
                if (p.ring) {
                    const double h0 = ring_m, h1 = block_m - ring_m;
                    poly.addRingDirectly(new OGRLinearRing(rect_ring(origin_x + bx + h0, origin_y + by + h0,
                                                                     origin_x + bx + h1, origin_y + by + h1, nodes,
                                                                     true)));
                    area -= 1LL * (block_m - 2 * ring_m) * (block_m - 2 * ring_m);
                }
                const int kc = p.land == Land::paddy_0101 ? kc_percent : 0;
                const bool state_owned = plan.urban || p.land == Land::river_1101;
                const char* cz = plan.czcsxm;
                if (plan.kind == BlockKind::village && p.land != Land::rural_home_0702) cz = "";
                ++bsm;
                ++tbbh[static_cast<std::size_t>(ci)];
                for (auto [out, layer] : {std::pair<VectorOut*, int>{&gpkg, dltb}, {&shp, dltb_shp}}) {
                    if (out == &shp && (i >= k_shapefile_blocks || j >= k_shapefile_blocks)) continue;
                    OGRFeature& f = out->feature(layer);
                    set_dltb(f, bsm, tbbh[static_cast<std::size_t>(ci)], li, state_owned, community, area, kc, cz);
                    f.SetGeometry(&poly);
                    out->write(layer);
                }
                ++s.parcels;
                s.land_area[static_cast<std::size_t>(p.land)] += area;
                ++s.land_parcels[static_cast<std::size_t>(p.land)];
                s.deduction_area_cm2 += area * kc;
                if (li.vegetated) s.community_vegetated[static_cast<std::size_t>(ci)] += area;
                if (li.residential) {
                    s.community_residential[static_cast<std::size_t>(ci)] += area;
                    const long long pop = m.parcel_population(i, j, p, static_cast<int>(k));
                    s.community_population[static_cast<std::size_t>(ci)] += pop;
                    block_pop += pop;
                    // Buffer answers: housing is wholly inside or wholly outside each buffer.
                    const Rect w{i * block_m + p.r.x0, j * block_m + p.r.y0, i * block_m + p.r.x1, j * block_m + p.r.y1};
                    const double dmin = rect_distance(w, bench_park), dmax = max_corner_distance(w, bench_park);
                    for (double radius : {300.0, 500.0})
                        if (dmin < radius + 1 && dmax > radius - 1)
                            throw InternalError("demo city: housing parcel straddles the benchmark park's buffer");
                    if (dmax < 300) s.bench_residential_300 += area;
                    if (dmax < 500) s.bench_residential_500 += area;
                }
                if (p.land == Land::park_0810) {
                    const bool bench = p.r.x0 + i * block_m == bench_park.x0 && p.r.y0 + j * block_m == bench_park.y0;
                    OGRFeature& f = parks.feature(park_layer);
                    ++s.parks;
                    s.park_area += area;
                    const char* size_class = area >= 5000 ? "large" : area >= 2000 ? "medium" : "small";
                    (area >= 5000 ? s.parks_large : area >= 2000 ? s.parks_medium : s.parks_small)++;
                    std::string name = bench ? std::string("基准游园")
                                             : pooled_name(m.seed(), 20, static_cast<int>(s.parks)) +
                                                   (area >= 10000 ? "公园" : "游园");
                    if (bench) {
                        s.bench_park_id = s.parks;
                        s.bench_park_bsm = bsm;
                    }
                    f.SetField("park_id", static_cast<GIntBig>(s.parks));
                    f.SetField("name", name.c_str());
                    f.SetField("area_m2", static_cast<double>(area));
                    f.SetField("size_class", size_class);
                    f.SetField("community_code", community.code.c_str());
                    f.SetField("dltb_bsm", static_cast<GIntBig>(bsm));
                    f.SetGeometry(&poly);
                    parks.write(park_layer);
                    if (area >= 5000 && m.community_in_urban_area(ci)) {
                        OGRFeature& sh = shelters.feature(shelter_layer);
                        ++s.shelters;
                        s.shelter_area += area;
                        const bool fixed = area >= 10000;
                        s.shelters_fixed += fixed ? 1 : 0;
                        sh.SetField("id", static_cast<GIntBig>(s.shelters));
                        sh.SetField("name", (name + (fixed ? "固定避难场所" : "紧急避难场所")).c_str());
                        sh.SetField("area_m2", static_cast<double>(area));
                        sh.SetField("type", fixed ? "固定" : "紧急");
                        sh.SetField("community_code", community.code.c_str());
                        sh.SetGeometry(&poly);
                        shelters.write(shelter_layer);
                    }
                }
            }

            for (const auto& fac : plan.facilities) {
                const int layer = static_cast<int>(fac.kind);
                std::string name = fac.kind == Facility::clinic
                                       ? community.name + k_facility_suffix[layer]
                                       : pooled_name(m.seed(), 30 + layer,
                                                     static_cast<int>(s.facilities[static_cast<std::size_t>(layer)])) +
                                             k_facility_suffix[layer];
                write_facility(facilities, s, layer, name, community.code, bx + fac.x, by + fac.y);
            }

            if (block_pop > 0) {  // heat: the block's residents at its centre, in GCJ-02
                double x = origin_x + bx + block_m / 2.0, y = origin_y + by + block_m / 2.0;
                to_lonlat.apply(x, y);
                const LonLat g = wgs84_to_gcj02({x, y});
                char line[96];
                std::snprintf(line, sizeof line, "%.7f,%.7f,%lld\n", g.lon, g.lat, block_pop);
                heat << line;
                ++s.heat_points;
            }
        }
        counter.step();
    }
    heat.close();
    if (!heat) throw OutputError("cannot write the file", {.file = heat_path.string()});
    gpkg.close();
    shp.close();
    parks.close();
    shelters.close();
    if (s.bench_park_id == 0) throw InternalError("demo city: the benchmark park was not written");
}

}  // namespace citycheck::demo::detail
