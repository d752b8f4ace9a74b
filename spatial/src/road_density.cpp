#include <citycheck/spatial/road_density.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::spatial {

namespace {

GeomPtr make_line(const GeosContext& ctx, const std::vector<Pt>& pts) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx.get(), static_cast<unsigned>(pts.size()), 2);
    for (unsigned i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(ctx.get(), seq, i, pts[i].x, pts[i].y);
    return ctx.own(GEOSGeom_createLineString_r(ctx.get(), seq), "road line");
}

}  // namespace

RoadDensityResult road_density(const RoadLines& lines, const RoadGraph& graph, const ZoneSet& zones) {
    RoadDensityResult result;
    std::map<std::string, std::size_t> class_index;
    for (const auto& l : lines.lines) class_index.emplace(l.cls, 0);
    for (auto& [name, i] : class_index) {
        i = result.classes.size();
        result.classes.push_back(name);
    }
    std::vector<std::size_t> line_class(lines.lines.size());
    std::vector<Box> line_box(lines.lines.size());
    Box all{1e300, 1e300, -1e300, -1e300};
    for (std::size_t i = 0; i < lines.lines.size(); ++i) {
        line_class[i] = class_index[lines.lines[i].cls];
        Box b{1e300, 1e300, -1e300, -1e300};
        for (const Pt& p : lines.lines[i].pts)
            b.xmin = std::min(b.xmin, p.x), b.ymin = std::min(b.ymin, p.y), b.xmax = std::max(b.xmax, p.x), b.ymax = std::max(b.ymax, p.y);
        line_box[i] = b;
        all.xmin = std::min(all.xmin, b.xmin), all.ymin = std::min(all.ymin, b.ymin);
        all.xmax = std::max(all.xmax, b.xmax), all.ymax = std::max(all.ymax, b.ymax);
    }
    // A coarse grid of line envelopes to find candidates per zone.
    const double cell = std::max(200.0, std::sqrt(std::max(all.width() * all.height(), 1.0) / (static_cast<double>(lines.lines.size()) / 8.0 + 1.0)));
    const long long cols = lines.lines.empty() ? 1 : static_cast<long long>(all.width() / cell) + 1;
    const long long rows = lines.lines.empty() ? 1 : static_cast<long long>(all.height() / cell) + 1;
    auto cidx = [&](double x) { return std::clamp(static_cast<long long>((x - all.xmin) / cell), 0LL, cols - 1); };
    auto ridx = [&](double y) { return std::clamp(static_cast<long long>((y - all.ymin) / cell), 0LL, rows - 1); };
    std::vector<std::vector<std::uint32_t>> buckets(static_cast<std::size_t>(cols * rows));
    for (std::uint32_t i = 0; i < lines.lines.size(); ++i)
        for (long long r = ridx(line_box[i].ymin); r <= ridx(line_box[i].ymax); ++r)
            for (long long c = cidx(line_box[i].xmin); c <= cidx(line_box[i].xmax); ++c) buckets[static_cast<std::size_t>(r * cols + c)].push_back(i);

    // Intersections (nodes of degree >= 3) bucketed on the same grid; each zone tests its own.
    std::vector<std::vector<std::uint32_t>> node_buckets(buckets.size());
    for (std::uint32_t v = 0; v < graph.node_count(); ++v)
        if (graph.degree(v) >= 3) {
            const Pt p = graph.node_point(v);
            node_buckets[static_cast<std::size_t>(ridx(p.y) * cols + cidx(p.x))].push_back(v);
        }
    result.zones.assign(zones.ids.size(), {});
    tbb::enumerable_thread_specific<GeosContext> contexts;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, zones.ids.size(), 1), [&](const auto& range) {
        auto& ctx = contexts.local();
        for (std::size_t z = range.begin(); z < range.end(); ++z) {
            auto& out = result.zones[z];
            out.area_km2 = zones.polygons[z].area() / 1e6;
            out.length_by_class_km.assign(result.classes.size(), 0.0);
            if (lines.lines.empty()) continue;  // then there are no nodes either
            const Box zb = zones.polygons[z].envelope();
            std::vector<std::uint32_t> cand;
            for (long long r = ridx(zb.ymin); r <= ridx(zb.ymax); ++r)
                for (long long c = cidx(zb.xmin); c <= cidx(zb.xmax); ++c) {
                    const auto& b = buckets[static_cast<std::size_t>(r * cols + c)];
                    cand.insert(cand.end(), b.begin(), b.end());
                }
            std::sort(cand.begin(), cand.end());
            cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
            GeomPtr zone = to_geos(ctx, zones.polygons[z]);
            PreparedPtr prepared = ctx.prepare(*zone);
            for (std::uint32_t i : cand) {
                if (!line_box[i].intersects(zb)) continue;
                const auto& pts = lines.lines[i].pts;
                GeomPtr line = make_line(ctx, pts);
                double len = 0;
                if (GEOSPreparedContains_r(ctx.get(), prepared.get(), line.get()) == 1)
                    len = polyline_length(pts);
                else if (GEOSPreparedIntersects_r(ctx.get(), prepared.get(), line.get()) == 1)
                    len = ctx.length(*ctx.intersection(*zone, *line));
                out.length_by_class_km[line_class[i]] += len / 1000.0;
            }
            for (double v : out.length_by_class_km) out.length_km += v;
            for (long long r = ridx(zb.ymin); r <= ridx(zb.ymax); ++r)
                for (long long c = cidx(zb.xmin); c <= cidx(zb.xmax); ++c)
                    for (std::uint32_t v : node_buckets[static_cast<std::size_t>(r * cols + c)])
                        {
                        // Nodes on the boundary count in every zone they touch, like boundary roads.
                        const Pt p = graph.node_point(v);
                        if (p.x < zb.xmin || p.x > zb.xmax || p.y < zb.ymin || p.y > zb.ymax) continue;
                        if (zones.polygons[z].contains(p) || zones.polygons[z].boundary_distance(p) <= 1e-6) ++out.intersections;
                    }
        }
    });
    return result;
}

}  // namespace citycheck::spatial
