// The planning boundaries (城区, 建成区, 城镇开发边界), the greenways and the GTFS stops.txt of the
// demo city. Boundaries are unions of whole blocks, so their areas and populations are exact.
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/crs.hpp>

#include "writers.hpp"

namespace citycheck::demo::detail {

namespace {

OGRPolygon block_rect(int i0, int j0, int i1, int j1) {  // blocks [i0, i1) × [j0, j1)
    OGRLinearRing ring;
    const double x0 = origin_x + 1.0 * i0 * block_m, y0 = origin_y + 1.0 * j0 * block_m;
    const double x1 = origin_x + 1.0 * i1 * block_m, y1 = origin_y + 1.0 * j1 * block_m;
    ring.addPoint(x0, y0);
    ring.addPoint(x1, y0);
    ring.addPoint(x1, y1);
    ring.addPoint(x0, y1);
    ring.addPoint(x0, y0);
    OGRPolygon p;
    p.addRing(&ring);
    return p;
}

// The union of the blocks where in(i, j) holds, built from row runs (one rectangle per run).
std::unique_ptr<OGRGeometry> block_union(int nb, const std::function<bool(int, int)>& in, long long& blocks) {
    OGRMultiPolygon runs;
    blocks = 0;
    for (int j = 0; j < nb; ++j)
        for (int i = 0; i < nb;) {
            if (!in(i, j)) {
                ++i;
                continue;
            }
            int e = i;
            while (e < nb && in(e, j)) ++e;
            blocks += e - i;
            const OGRPolygon run = block_rect(i, j, e, j + 1);
            runs.addGeometry(&run);
            i = e;
        }
    if (runs.IsEmpty()) throw InternalError("demo city: an empty planning boundary");
    std::unique_ptr<OGRGeometry> u(runs.UnionCascaded());
    if (!u) throw InternalError("demo city: the union of a planning boundary failed");
    return u;
}

void write_boundary(VectorOut& out, int layer, const char* name, const OGRGeometry& g, double area) {
    OGRFeature& f = out.feature(layer);
    f.SetField("name", name);
    f.SetField("area_m2", area);
    std::unique_ptr<OGRGeometry> multi(OGRGeometryFactory::forceToMultiPolygon(g.clone()));
    f.SetGeometry(multi.get());
    out.write(layer);
}

}  // namespace

void write_boundaries(const CityModel& m, const std::filesystem::path& dir, Stats& s) {
    const int nb = m.nb();
    std::vector<char> builtup(static_cast<std::size_t>(nb) * nb, 0);
    for (int j = 0; j < nb; ++j)
        for (int i = 0; i < nb; ++i) builtup[static_cast<std::size_t>(j) * nb + i] = m.block_builtup(i, j) ? 1 : 0;
    auto is_builtup = [&](int i, int j) { return builtup[static_cast<std::size_t>(j) * nb + i] != 0; };

    VectorOut out(dir / "boundaries.gpkg", "GPKG");
    // Every layer is created before any feature is written (one transaction for the features).
    int layers[3];
    int n = 0;
    for (const char* l : {"urban_area", "builtup_area", "development_boundary"})
        layers[n++] = out.add_layer(l, wkbMultiPolygon, {{"name", OFTString, 40}, {"area_m2", OFTReal, 16, 2}});
    // 城区 (TD/T 1064-2021 draws it from whole 街道/社区 units): every community with built-up land.
    std::vector<char> urban_block(builtup.size(), 0);
    s.urban_area_population = 0;
    for (std::size_t k = 0; k < m.communities().size(); ++k) {
        const Zone& z = m.communities()[k];
        if (!m.community_in_urban_area(static_cast<int>(k))) continue;
        s.urban_area_population += s.community_population[k];
        for (int j = z.blocks.y0; j < z.blocks.y1; ++j)
            for (int i = z.blocks.x0; i < z.blocks.x1; ++i) urban_block[static_cast<std::size_t>(j) * nb + i] = 1;
    }
    long long urban_blocks = 0;
    const auto urban = block_union(nb, [&](int i, int j) { return urban_block[static_cast<std::size_t>(j) * nb + i] != 0; }, urban_blocks);
    s.urban_area_m2 = urban_blocks * block_m * block_m;
    write_boundary(out, layers[0], "城区", *urban, static_cast<double>(s.urban_area_m2));

    // 建成区: the built-up (urban) blocks.
    const auto built = block_union(nb, is_builtup, s.builtup_blocks);
    write_boundary(out, layers[1], "建成区", *built, static_cast<double>(s.builtup_blocks) * block_m * block_m);

    // 城镇开发边界: the built-up blocks and every block touching one (8-neighbourhood), inside the city.
    const auto dev = block_union(nb, [&](int i, int j) {
        for (int dj = -1; dj <= 1; ++dj)
            for (int di = -1; di <= 1; ++di) {
                const int a = i + di, b = j + dj;
                if (a >= 0 && b >= 0 && a < nb && b < nb && is_builtup(a, b)) return true;
            }
        return false;
    }, s.development_blocks);
    write_boundary(out, layers[2], "城镇开发边界", *dev, static_cast<double>(s.development_blocks) * block_m * block_m);
    out.close();
}

void write_greenways(const CityModel& m, const std::filesystem::path& dir, Stats& s) {
    VectorOut out(dir / "greenways.gpkg", "GPKG");
    const int layer = out.add_layer("greenways", wkbLineString,
                                    {{"id", OFTInteger64}, {"name", OFTString, 40}, {"length_m", OFTReal, 16, 2}});
    const int side = m.side_m();
    const int river_north = (m.river_row() + 1) * block_m;
    const int axis_x = (m.nb() / 2) * block_m + 5;
    struct Line {
        const char* name;
        int x0, y0, x1, y1;
    };
    // 滨江绿道 along the north bank, 5 m inside the river row, across the city; 中轴绿道 on the road
    // land 5 m east of the central north–south street, from the south edge to the river's south bank.
    const Line lines[] = {{"滨江绿道", 0, river_north - 5, side, river_north - 5},
                          {"中轴绿道", axis_x, 0, axis_x, m.river_row() * block_m}};
    long long id = 0;
    for (const auto& l : lines) {
        OGRLineString ls;
        const int n = std::max(std::abs(l.x1 - l.x0), std::abs(l.y1 - l.y0)) / block_m;  // a vertex every block
        for (int k = 0; k <= n; ++k)
            ls.addPoint(origin_x + l.x0 + 1.0 * (l.x1 - l.x0) * k / n, origin_y + l.y0 + 1.0 * (l.y1 - l.y0) * k / n);
        const long long len = std::abs(l.x1 - l.x0) + std::abs(l.y1 - l.y0);
        OGRFeature& f = out.feature(layer);
        f.SetField("id", static_cast<GIntBig>(++id));
        f.SetField("name", l.name);
        f.SetField("length_m", static_cast<double>(len));
        f.SetGeometry(&ls);
        out.write(layer);
        s.greenway_length[l.name] = len;
    }
    out.close();
}

void write_gtfs_stops(const std::filesystem::path& dir, const Stats& s) {
    // GTFS stops.txt: WGS84 lon/lat (CGCS2000 treated as WGS84, INDICATORS.md §7.1), 7 decimals.
    const auto path = dir / "stops.txt";
    std::ofstream out(path, std::ios::binary);
    if (!out) throw OutputError("cannot create the file", {.file = path.string()});
    out << "stop_id,stop_name,stop_lat,stop_lon,location_type\n";
    const spatial::Transform to_lonlat(spatial::Crs::from_epsg(epsg), spatial::Crs::from_epsg(4490));
    for (const auto& st : s.transit_stops) {
        double x = origin_x + st.x, y = origin_y + st.y;
        to_lonlat.apply(x, y);
        char line[64];
        std::snprintf(line, sizeof line, "%c%06lld,", st.metro ? 'M' : 'B', st.id);
        out << line << st.name;
        std::snprintf(line, sizeof line, ",%.7f,%.7f,0\n", y, x);
        out << line;
    }
    out.close();
    if (!out) throw OutputError("cannot write the file", {.file = path.string()});
}

}  // namespace citycheck::demo::detail
