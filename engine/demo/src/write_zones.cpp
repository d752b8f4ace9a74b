// zones.gpkg (city, district, subdistrict, community; every zone a union of whole blocks, so the
// levels tile each other exactly) and census.csv (resident population per community).
#include <algorithm>
#include <fstream>
#include <map>

#include <citycheck/core/error.hpp>

#include "writers.hpp"

namespace citycheck::demo::detail {

namespace {

// Community corners indexed by line, so each zone edge picks up the corners of its neighbours.
class CornerIndex {
  public:
    explicit CornerIndex(const std::vector<Zone>& finest) {
        for (const auto& z : finest)
            for (int x : {z.blocks.x0, z.blocks.x1})
                for (int y : {z.blocks.y0, z.blocks.y1}) {
                    m_on_h[y].push_back(x);
                    m_on_v[x].push_back(y);
                }
        for (auto* m : {&m_on_h, &m_on_v})
            for (auto& [k, v] : *m) {
                std::sort(v.begin(), v.end());
                v.erase(std::unique(v.begin(), v.end()), v.end());
            }
    }
    std::vector<Node> nodes_on(const Rect& r) const {  // in world metres
        std::vector<Node> out;
        auto take = [&](const std::map<int, std::vector<int>>& idx, int line, int lo, int hi, bool horizontal) {
            auto it = idx.find(line);
            if (it == idx.end()) return;
            for (auto v = std::upper_bound(it->second.begin(), it->second.end(), lo);
                 v != it->second.end() && *v < hi; ++v)
                out.push_back(horizontal ? Node{origin_x + 1.0 * *v * block_m, origin_y + 1.0 * line * block_m}
                                         : Node{origin_x + 1.0 * line * block_m, origin_y + 1.0 * *v * block_m});
        };
        take(m_on_h, r.y0, r.x0, r.x1, true);
        take(m_on_h, r.y1, r.x0, r.x1, true);
        take(m_on_v, r.x0, r.y0, r.y1, false);
        take(m_on_v, r.x1, r.y0, r.y1, false);
        return out;
    }

  private:
    std::map<int, std::vector<int>> m_on_h, m_on_v;
};

}  // namespace

void write_zones(const CityModel& m, const std::filesystem::path& dir, const Stats& s) {
    const CornerIndex corners(m.communities());
    std::map<std::string, long long> population;  // by zone code, summed up the hierarchy
    for (std::size_t k = 0; k < m.communities().size(); ++k) {
        const Zone& c = m.communities()[k];
        const long long p = s.community_population[k];
        population[c.code] += p;
        population[c.parent_code] += p;
        population[c.parent_code.substr(0, 6) + "000000"] += p;
        population[m.city().code] += p;
    }

    VectorOut out(dir / "zones.gpkg", "GPKG");
    const std::vector<FieldDef> fields = {{"code", OFTString, 12},        {"name", OFTString, 60},
                                          {"parent_code", OFTString, 12}, {"level", OFTInteger},
                                          {"area_m2", OFTReal, 18, 2},    {"population", OFTInteger64},
                                          {"kind", OFTString, 10}};
    struct Level {
        const char* layer;
        std::vector<Zone> zones;
    };
    const Level levels[] = {{"city", {m.city()}},
                            {"district", m.districts()},
                            {"subdistrict", m.subdistricts()},
                            {"community", m.communities()}};
    for (const auto& level : levels) {
        const int layer = out.add_layer(level.layer, wkbPolygon, fields);
        for (const Zone& z : level.zones) {
            OGRFeature& f = out.feature(layer);
            f.SetField("code", z.code.c_str());
            f.SetField("name", z.name.c_str());
            if (!z.parent_code.empty()) f.SetField("parent_code", z.parent_code.c_str());
            f.SetField("level", z.level);
            f.SetField("area_m2", static_cast<double>(z.blocks.area() * block_m * block_m));
            f.SetField("population", static_cast<GIntBig>(population[z.code]));
            f.SetField("kind", z.level == 4 ? (z.rural ? "village" : "community") : level.layer);
            OGRPolygon poly;
            poly.addRingDirectly(new OGRLinearRing(rect_ring(
                origin_x + 1.0 * z.blocks.x0 * block_m, origin_y + 1.0 * z.blocks.y0 * block_m,
                origin_x + 1.0 * z.blocks.x1 * block_m, origin_y + 1.0 * z.blocks.y1 * block_m, corners.nodes_on(z.blocks))));
            f.SetGeometry(&poly);
            out.write(layer);
        }
    }
    out.close();

    const auto census_path = dir / "census.csv";
    std::ofstream csv(census_path, std::ios::binary);
    if (!csv) throw OutputError("cannot create the file", {.file = census_path.string()});
    csv << "code,name,subdistrict_code,district_code,population\n";
    for (std::size_t k = 0; k < m.communities().size(); ++k) {
        const Zone& c = m.communities()[k];
        csv << c.code << ',' << c.name << ',' << c.parent_code << ',' << c.parent_code.substr(0, 6) << "000000,"
            << s.community_population[k] << '\n';
    }
    csv.close();
    if (!csv) throw OutputError("cannot write the file", {.file = census_path.string()});
    // Column types for GDAL's CSV driver, so that codes stay text.
    std::ofstream csvt(dir / "census.csvt", std::ios::binary);
    csvt << "String(12),String,String(12),String(12),Integer64\n";
    if (!csvt) throw OutputError("cannot write the file", {.file = (dir / "census.csvt").string()});
}

}  // namespace citycheck::demo::detail
