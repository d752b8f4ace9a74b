// Roads along the block edges, one feature per edge between junctions, plus service stubs (dead
// ends), park footways, river bridges and overpasses (a bridge crossing a street with no shared
// vertex). Bus stops sit beside the arterials, metro stations on two lines through the centre.
#include <set>

#include <citycheck/core/error.hpp>

#include "writers.hpp"

namespace citycheck::demo::detail {

namespace {

struct RowInfo {
    std::vector<char> urban, river, stub, footway;
};

RowInfo row_info(const CityModel& m, int j) {
    RowInfo r;
    const int nb = m.nb();
    r.urban.assign(static_cast<std::size_t>(nb), 0);
    r.river.assign(static_cast<std::size_t>(nb), 0);
    r.stub.assign(static_cast<std::size_t>(nb), 0);
    r.footway.assign(static_cast<std::size_t>(nb), 0);
    if (j < 0 || j >= nb) return r;
    for (int i = 0; i < nb; ++i) {
        const BlockPlan p = m.plan(i, j);
        const auto k = static_cast<std::size_t>(i);
        r.urban[k] = p.urban;
        r.river[k] = p.kind == BlockKind::river;
        r.stub[k] = p.service_stub;
        r.footway[k] = p.footway;
    }
    return r;
}

class RoadWriter {
  public:
    RoadWriter(const CityModel& m, VectorOut& out, Stats& s) : m_model(m), m_out(out), m_stats(s) {
        m_layer = out.add_layer("roads", wkbLineString,
                                {{"id", OFTInteger64}, {"highway", OFTString, 20}, {"name", OFTString, 80},
                                 {"bridge", OFTString, 3}, {"layer", OFTInteger}, {"length_m", OFTReal, 12, 2}});
    }
    // pts in metres from the origin; straight axis-parallel pieces, so the length is exact.
    void emit(const std::vector<Node>& pts, const std::string& highway, const std::string& name, bool bridge) {
        OGRLineString line;
        long long length = 0;
        for (std::size_t k = 0; k < pts.size(); ++k) {
            line.addPoint(origin_x + pts[k].x, origin_y + pts[k].y);
            if (k) length += static_cast<long long>(std::abs(pts[k].x - pts[k - 1].x) + std::abs(pts[k].y - pts[k - 1].y));
        }
        OGRFeature& f = m_out.feature(m_layer);
        f.SetField("id", static_cast<GIntBig>(++m_id));
        f.SetField("highway", highway.c_str());
        f.SetField("name", name.c_str());
        if (bridge) f.SetField("bridge", "yes");
        f.SetField("layer", bridge ? 1 : 0);
        f.SetField("length_m", static_cast<double>(length));
        f.SetGeometry(&line);
        m_out.write(m_layer);
        m_stats.road_length[highway] += length;
        ++m_stats.road_features[highway];
        if (bridge) ++m_stats.bridges;
    }

  private:
    const CityModel& m_model;
    VectorOut& m_out;
    Stats& m_stats;
    int m_layer = 0;
    long long m_id = 0;
};

std::string minor_class(bool urban) { return urban ? "residential" : "track"; }

}  // namespace

void write_roads(const CityModel& m, const std::filesystem::path& dir, VectorOut& facilities, Stats& s,
                 const Progress& progress) {
    const int nb = m.nb();
    const int jo = m.overpass_row();
    const int river = m.river_row();
    VectorOut out(dir / "roads.gpkg", "GPKG");
    RoadWriter roads(m, out, s);
    const double B = block_m;
    auto overpass_at = [&](int i) {
        return jo > 0 && std::string(m.line_class(i)) == "primary" && i >= 1 && i <= nb - 1;
    };

    RowInfo below_row = row_info(m, -1);
    ProgressCounter counter(progress, static_cast<std::size_t>(nb + 1), "demo: roads");
    for (int j = 0; j <= nb; ++j) {
        RowInfo row = row_info(m, j);
        const auto ju = static_cast<std::size_t>(j);
        (void)ju;
        // Horizontal line j: edges i → i+1, with a midpoint vertex where a stub or footway attaches.
        const std::string hcls = m.line_class(j);
        const std::string hname = m.line_name(false, j);
        auto mid_needed = [&](int i) {
            const auto k = static_cast<std::size_t>(i);
            return row.stub[k] || row.footway[k] || below_row.footway[k];
        };
        for (int i = 0; i < nb; ++i) {
            const auto k = static_cast<std::size_t>(i);
            const bool urban = row.urban[k] || below_row.urban[k];
            const std::string cls = hcls == "minor" ? minor_class(urban) : hcls;
            const std::string name = cls == "track" ? "" : hname;
            if (j == jo && overpass_at(i + 1) && i + 2 <= nb) {
                // The street under an overpass runs on through the crossing without a vertex there.
                std::vector<Node> pts{{i * B, j * B}};
                if (mid_needed(i)) pts.push_back({i * B + B / 2, j * B});
                if (mid_needed(i + 1)) pts.push_back({(i + 1) * B + B / 2, j * B});
                pts.push_back({(i + 2) * B, j * B});
                roads.emit(pts, cls, name, false);
                ++i;
                continue;
            }
            std::vector<Node> pts{{i * B, j * B}};
            if (mid_needed(i)) pts.push_back({i * B + B / 2, j * B});
            pts.push_back({(i + 1) * B, j * B});
            roads.emit(pts, cls, name, false);
        }
        // Bus stops beside the arterials, 8 m off the centre line on the urban side.
        if (hcls != "minor") {
            for (int i = 0; i < nb; ++i) {
                const auto k = static_cast<std::size_t>(i);
                if (i % (hcls == "tertiary" ? 3 : 2) != 1) continue;
                double y = 0;
                int bj = -1;
                if (j < nb && row.urban[k] && !row.river[k]) { y = j * B + 8; bj = j; }
                else if (j > 0 && below_row.urban[k] && !below_row.river[k]) { y = j * B - 8; bj = j - 1; }
                if (bj < 0) continue;
                const auto& c = m.communities()[static_cast<std::size_t>(m.community_of_block(i, bj))];
                write_facility(facilities, s, bus_stop_layer, hname + m.line_name(true, i) + "口站", c.code,
                               i * B + B / 2, y, hname.c_str());
            }
        }
        if (j < nb) {
            // Vertical edges of row j on every vertical line i.
            for (int i = 0; i <= nb; ++i) {
                const std::string vcls = m.line_class(i);
                const std::string vname = m.line_name(true, i);
                const bool urban = (i > 0 && row.urban[static_cast<std::size_t>(i - 1)]) ||
                                   (i < nb && row.urban[static_cast<std::size_t>(i)]);
                const std::string cls = vcls == "minor" ? minor_class(urban) : vcls;
                const std::string name = cls == "track" ? "" : vname;
                if (j == river) {
                    if (vcls != "minor") roads.emit({{i * B, j * B}, {i * B, (j + 1) * B}}, cls, name, true);
                    continue;  // minor streets end at the river banks
                }
                if (overpass_at(i) && j == jo - 1) {
                    roads.emit({{i * B, j * B}, {i * B, j * B + B / 2}}, cls, name, false);
                    roads.emit({{i * B, j * B + B / 2}, {i * B, j * B + 3 * B / 2}}, cls, name, true);
                    ++s.overpasses;
                    continue;
                }
                if (overpass_at(i) && j == jo) {
                    roads.emit({{i * B, j * B + B / 2}, {i * B, (j + 1) * B}}, cls, name, false);
                    continue;
                }
                roads.emit({{i * B, j * B}, {i * B, (j + 1) * B}}, cls, name, false);
                if (vcls != "minor" && j % (vcls == "tertiary" ? 3 : 2) == 1) {
                    double x = 0;
                    int bi = -1;
                    if (i < nb && row.urban[static_cast<std::size_t>(i)]) { x = i * B + 8; bi = i; }
                    else if (i > 0 && row.urban[static_cast<std::size_t>(i - 1)]) { x = i * B - 8; bi = i - 1; }
                    if (bi >= 0) {
                        const auto& c = m.communities()[static_cast<std::size_t>(m.community_of_block(bi, j))];
                        write_facility(facilities, s, bus_stop_layer, vname + hname + "口站", c.code, x,
                                       j * B + B / 2, vname.c_str());
                    }
                }
            }
            // Dead-end service roads and park footways inside the blocks of row j.
            for (int i = 0; i < nb; ++i) {
                const auto k = static_cast<std::size_t>(i);
                if (row.stub[k]) {
                    roads.emit({{i * B + B / 2, j * B}, {i * B + B / 2, j * B + 70}}, "service", "", false);
                    ++s.dead_ends;
                }
                if (row.footway[k])
                    roads.emit({{i * B + B / 2, j * B}, {i * B + B / 2, (j + 1) * B}}, "footway", "", false);
            }
        }
        below_row = std::move(row);
        counter.step();
    }
    out.close();

    // Metro: line 1 along the central east–west street, line 2 along the central north–south one.
    const int c = nb / 2;
    std::set<std::pair<int, int>> done;
    auto station = [&](int i, int j, const std::string& name, const char* line) {
        if (!done.insert({i, j}).second) return;
        const int bi = std::min(i, nb - 1), bj = std::min(j, nb - 1);
        const auto& cz = m.communities()[static_cast<std::size_t>(m.community_of_block(bi, bj))];
        write_facility(facilities, s, metro_layer, name + "站", cz.code, i * B, j * B, line);
    };
    for (int i = 0; i <= nb; ++i)
        if (i % 6 == 3) station(i, c, m.line_name(true, i), "1号线");
    for (int j = 0; j <= nb; ++j)
        if (j % 6 == 3 && j != river && j != river + 1) station(c, j, m.line_name(false, j), "2号线");
}

}  // namespace citycheck::demo::detail
