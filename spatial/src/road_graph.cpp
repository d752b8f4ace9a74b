// Noding road lines into a CSR graph: nodes where lines share a vertex (equal coordinates on a
// tolerance grid), optionally also where segments cross (never for bridges, tunnels or other layers).
#include <citycheck/spatial/road_graph.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <span>
#include <tuple>


#include <citycheck/core/error.hpp>
#include <citycheck/core/parallel_sort.hpp>
#include <citycheck/core/uninitialized_vector.hpp>
#include <tbb/parallel_for.h>
#include <tbb/blocked_range.h>

namespace citycheck::spatial {

Pt RoadGraph::point_at(std::uint32_t e, double offset) const {
    const auto& ed = m_edges[e];
    const std::uint32_t b = ed.geom_begin, n = ed.geom_end - ed.geom_begin;
    offset = std::clamp(offset, 0.0, ed.length);
    // first vertex whose cumulative offset >= offset
    const auto* cum = m_vertex_cum.data() + b;
    std::uint32_t k = static_cast<std::uint32_t>(std::lower_bound(cum, cum + n, offset) - cum);
    if (k == 0) return m_vertices[b];
    if (k >= n) return m_vertices[b + n - 1];
    const double seg = cum[k] - cum[k - 1];
    const double t = seg > 0 ? (offset - cum[k - 1]) / seg : 0.0;
    const Pt a = m_vertices[b + k - 1], c = m_vertices[b + k];
    return {a.x + t * (c.x - a.x), a.y + t * (c.y - a.y)};
}

void RoadGraph::set_costs_by_edge(const std::vector<double>& cost) {
    if (cost.size() != m_edges.size()) throw InternalError("set_costs_by_edge: one cost per edge expected");
    for (auto& arc : m_arcs) arc.cost = cost[arc.edge];
    m_cost_rate.assign(m_edges.size(), 0.0);
    m_min_cost_rate = 0;
    bool first = true;
    for (std::size_t e = 0; e < m_edges.size(); ++e) {
        if (!(cost[e] >= 0)) throw InternalError("set_costs_by_edge: costs must be non-negative");
        if (m_edges[e].length <= 0) continue;  // a zero-length edge: no position along it costs anything
        m_cost_rate[e] = cost[e] / m_edges[e].length;
        if (first || m_cost_rate[e] < m_min_cost_rate) m_min_cost_rate = m_cost_rate[e];
        first = false;
    }
    if (first) m_min_cost_rate = 1.0;
}

namespace {

// Position of cell (x, y) along a Hilbert curve over a 2^16 × 2^16 grid.
std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y) {
    std::uint64_t d = 0;
    for (std::uint32_t s = 1u << 15; s > 0; s >>= 1) {
        const std::uint32_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
        d += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
        if (ry == 0) {  // rotate the quadrant
            if (rx == 1) x = 65535 - x, y = 65535 - y;  // only the bits below s matter from here on
            std::swap(x, y);
        }
    }
    return d;
}

// Renumbers nodes in Hilbert order of their position (ties by the old number): nodes near in
// space get near numbers, so a search's wavefront touches fewer cache lines of the node arrays.
void renumber_along_hilbert_curve(std::vector<Pt>& pts, std::span<std::uint32_t> node_of) {
    const std::size_t n = pts.size();
    if (n < 2) return;
    double x0 = pts[0].x, y0 = pts[0].y, x1 = x0, y1 = y0;
    for (const auto& p : pts) x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    const double span = std::max({x1 - x0, y1 - y0, 1e-9});
    struct Keyed {
        std::uint64_t key;
        std::uint32_t node;
        bool operator<(const Keyed& o) const noexcept { return key < o.key || (key == o.key && node < o.node); }
    };
    UninitializedVector<Keyed> order(n);
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, static_cast<std::uint32_t>(n), 16384), [&](const auto& r) {
        const auto q = [&](double v, double lo) { return static_cast<std::uint32_t>(std::min(65535.0, (v - lo) / span * 65535.0)); };
        for (std::uint32_t i = r.begin(); i < r.end(); ++i) order[i] = {hilbert_index(q(pts[i].x, x0), q(pts[i].y, y0)), i};
    });
    parallel_sort(order.begin(), order.end());  // a total order: the same result on any thread count
    UninitializedVector<std::uint32_t> new_id(n);
    std::vector<Pt> sorted(n);
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, static_cast<std::uint32_t>(n), 16384), [&](const auto& r) {
        for (std::uint32_t k = r.begin(); k < r.end(); ++k) new_id[order[k].node] = k, sorted[k] = pts[order[k].node];
    });
    pts.swap(sorted);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, node_of.size(), 65536), [&](const auto& r) {
        for (std::size_t k = r.begin(); k < r.end(); ++k)
            if (node_of[k] != UINT32_MAX) node_of[k] = new_id[node_of[k]];
    });
}

struct Key {
    long long x, y;
    auto operator<=>(const Key&) const = default;
};

Key key_of(Pt p, double tol) { return {std::llround(p.x / tol), std::llround(p.y / tol)}; }

// Proper-crossing noding on a uniform grid of segments. Inserts each crossing point into both lines.
std::vector<RoadLine> split_at_crossings(const std::vector<RoadLine>& in, double tol) {
    struct Seg {
        std::uint32_t line, index;
    };
    std::vector<Seg> segs;
    Box b{1e300, 1e300, -1e300, -1e300};
    double total = 0;
    for (std::uint32_t i = 0; i < in.size(); ++i)
        for (std::uint32_t j = 0; j + 1 < in[i].pts.size(); ++j) {
            segs.push_back({i, j});
            const Pt p = in[i].pts[j], q = in[i].pts[j + 1];
            total += std::hypot(q.x - p.x, q.y - p.y);
            b.xmin = std::min({b.xmin, p.x, q.x});
            b.ymin = std::min({b.ymin, p.y, q.y});
            b.xmax = std::max({b.xmax, p.x, q.x});
            b.ymax = std::max({b.ymax, p.y, q.y});
        }
    if (segs.empty()) return in;
    const double cell = std::max(1.0, 4.0 * total / static_cast<double>(segs.size()));
    const long long cols = static_cast<long long>((b.xmax - b.xmin) / cell) + 1;
    const long long rows = static_cast<long long>((b.ymax - b.ymin) / cell) + 1;
    std::map<long long, std::vector<std::uint32_t>> cells;  // sparse grid
    for (std::uint32_t s = 0; s < segs.size(); ++s) {
        const Pt p = in[segs[s].line].pts[segs[s].index], q = in[segs[s].line].pts[segs[s].index + 1];
        const long long c0 = static_cast<long long>((std::min(p.x, q.x) - b.xmin) / cell);
        const long long c1 = static_cast<long long>((std::max(p.x, q.x) - b.xmin) / cell);
        const long long r0 = static_cast<long long>((std::min(p.y, q.y) - b.ymin) / cell);
        const long long r1 = static_cast<long long>((std::max(p.y, q.y) - b.ymin) / cell);
        for (long long r = r0; r <= r1; ++r)
            for (long long c = c0; c <= c1; ++c) cells[r * cols + c].push_back(s);
    }
    (void)rows;
    // (line, segment, t, point) insertions
    std::vector<std::tuple<std::uint32_t, std::uint32_t, double, Pt>> inserts;
    for (const auto& [cell_id, list] : cells) {
        for (std::size_t i = 0; i < list.size(); ++i)
            for (std::size_t j = i + 1; j < list.size(); ++j) {
                const Seg s1 = segs[list[i]], s2 = segs[list[j]];
                if (s1.line == s2.line) continue;
                const RoadLine& l1 = in[s1.line];
                const RoadLine& l2 = in[s2.line];
                if (l1.bridge || l1.tunnel || l2.bridge || l2.tunnel || l1.layer != l2.layer) continue;
                const Pt p = l1.pts[s1.index], p2 = l1.pts[s1.index + 1];
                const Pt q = l2.pts[s2.index], q2 = l2.pts[s2.index + 1];
                const double rx = p2.x - p.x, ry = p2.y - p.y, sx = q2.x - q.x, sy = q2.y - q.y;
                const double den = rx * sy - ry * sx;
                if (std::abs(den) < 1e-12) continue;  // parallel or collinear: no proper crossing
                const double t = ((q.x - p.x) * sy - (q.y - p.y) * sx) / den;
                const double u = ((q.x - p.x) * ry - (q.y - p.y) * rx) / den;
                const double len1 = std::hypot(rx, ry), len2 = std::hypot(sx, sy);
                const double et = tol / std::max(len1, 1e-12), eu = tol / std::max(len2, 1e-12);
                if (t < -et || t > 1 + et || u < -eu || u > 1 + eu) continue;
                Pt x{p.x + t * rx, p.y + t * ry};
                // Reuse an existing endpoint when the crossing is at one (T-junctions).
                if (t <= et) x = p;
                else if (t >= 1 - et) x = p2;
                else if (u <= eu) x = q;
                else if (u >= 1 - eu) x = q2;
                // Count each crossing once: in the cell that holds the point.
                const long long cc = static_cast<long long>((x.x - b.xmin) / cell);
                const long long cr = static_cast<long long>((x.y - b.ymin) / cell);
                if (cr * cols + cc != cell_id) continue;
                if (t > et && t < 1 - et) inserts.emplace_back(s1.line, s1.index, t, x);
                if (u > eu && u < 1 - eu) inserts.emplace_back(s2.line, s2.index, u, x);
            }
    }
    std::sort(inserts.begin(), inserts.end(), [](const auto& a, const auto& c) {
        return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) < std::tie(std::get<0>(c), std::get<1>(c), std::get<2>(c));
    });
    std::vector<RoadLine> out = in;
    std::size_t k = 0;
    while (k < inserts.size()) {
        const std::uint32_t line = std::get<0>(inserts[k]);
        const auto& src = in[line].pts;
        std::vector<Pt> pts;
        for (std::uint32_t j = 0; j < src.size(); ++j) {
            pts.push_back(src[j]);
            while (k < inserts.size() && std::get<0>(inserts[k]) == line && std::get<1>(inserts[k]) == j)
                pts.push_back(std::get<3>(inserts[k++]));
        }
        out[line].pts = std::move(pts);
    }
    return out;
}

struct UnionFind {
    std::vector<std::uint32_t> parent;
    explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
    std::uint32_t find(std::uint32_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }
    void unite(std::uint32_t a, std::uint32_t b) {
        a = find(a), b = find(b);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
};

}  // namespace

RoadGraph build_road_graph(const RoadLines& input, const GraphBuildOptions& options) {
    if (!(options.tolerance > 0)) throw UsageError("the node tolerance must be positive");
    const double tol = options.tolerance;
    std::vector<RoadLine> noded = options.split_crossings ? split_at_crossings(input.lines, tol) : std::vector<RoadLine>{};
    const std::vector<RoadLine>& lines = options.split_crossings ? noded : input.lines;

    RoadGraph g;
    g.m_crs = input.crs;
    // Class ids in sorted name order (deterministic).
    std::map<std::string, std::uint16_t> class_ids;
    for (const auto& l : lines) class_ids.emplace(l.cls, 0);
    for (auto& [name, id] : class_ids) {
        id = static_cast<std::uint16_t>(g.m_class_names.size());
        g.m_class_names.push_back(name);
    }

    // Per line (in parallel): its class id and its cleaned vertex run (consecutive vertices on the
    // same tolerance cell collapse). Vertex v of line i has the flat number first_vertex[i] + v.
    const std::size_t line_count = lines.size();
    std::vector<std::uint16_t> line_class(line_count);
    std::vector<std::vector<Pt>> clean(line_count);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, line_count, 512), [&](const auto& r) {
        for (std::size_t i = r.begin(); i < r.end(); ++i) {
            line_class[i] = class_ids.at(lines[i].cls);
            auto& run = clean[i];
            run.reserve(lines[i].pts.size());
            for (const Pt& p : lines[i].pts)
                if (run.empty() || key_of(run.back(), tol) != key_of(p, tol)) run.push_back(p);
            if (run.size() < 2) run.clear();
        }
    });
    std::vector<std::size_t> first_vertex(line_count + 1, 0);
    for (std::size_t i = 0; i < line_count; ++i) first_vertex[i + 1] = first_vertex[i] + clean[i].size();
    const std::size_t total_vertices = first_vertex[line_count];
    // Group equal keys: a vertex is a node when shared or a line end.
    struct Item {
        Key key;
        std::uint32_t line, index;
    };
    UninitializedVector<Item> items(total_vertices);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, line_count, 512), [&](const auto& r) {
        for (std::size_t i = r.begin(); i < r.end(); ++i)
            for (std::uint32_t j = 0; j < clean[i].size(); ++j)
                items[first_vertex[i] + j] = {key_of(clean[i][j], tol), static_cast<std::uint32_t>(i), j};
    });
    parallel_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {  // total order
        return std::tie(a.key, a.line, a.index) < std::tie(b.key, b.line, b.index);
    });
    // Node ids in item order: blocks of items that start at a group of equal keys count their
    // nodes in parallel, then number them from their block's offset.
    UninitializedVector<std::uint32_t> node_of(total_vertices);  // flat vertex number → node, or UINT32_MAX
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, total_vertices, 65536), [&](const auto& r) {
        std::fill(node_of.begin() + static_cast<std::ptrdiff_t>(r.begin()), node_of.begin() + static_cast<std::ptrdiff_t>(r.end()), UINT32_MAX);
    });
    const auto group_end = [&](std::size_t a) {
        std::size_t b = a + 1;
        while (b < items.size() && items[b].key == items[a].key) ++b;
        return b;
    };
    const auto is_node = [&](std::size_t a, std::size_t b) {
        if (b - a >= 2) return true;
        return items[a].index == 0 || items[a].index + 1 == clean[items[a].line].size();
    };
    constexpr std::size_t kItemBlock = 65536;
    const std::size_t item_blocks = (items.size() + kItemBlock - 1) / kItemBlock;
    std::vector<std::size_t> block_begin(item_blocks + 1, items.size());
    for (std::size_t k = 0; k < item_blocks; ++k) {  // each block starts at the first group starting at or after k × kItemBlock
        std::size_t a = k * kItemBlock;
        while (a > 0 && a < items.size() && items[a].key == items[a - 1].key) ++a;
        block_begin[k] = std::max(a, k > 0 ? block_begin[k - 1] : std::size_t(0));
    }
    std::vector<std::uint32_t> block_nodes(item_blocks + 1, 0);
    tbb::parallel_for(std::size_t(0), item_blocks, [&](std::size_t k) {
        for (std::size_t a = block_begin[k], b; a < block_begin[k + 1]; a = b) {
            b = group_end(a);
            block_nodes[k + 1] += is_node(a, b) ? 1u : 0u;
        }
    });
    for (std::size_t k = 0; k < item_blocks; ++k) block_nodes[k + 1] += block_nodes[k];
    g.m_node_pts.resize(block_nodes[item_blocks]);
    std::vector<std::uint8_t> block_exact(item_blocks, 1);  // every vertex of the block's nodes at its node's point
    tbb::parallel_for(std::size_t(0), item_blocks, [&](std::size_t k) {
        std::uint32_t id = block_nodes[k];
        for (std::size_t a = block_begin[k], b; a < block_begin[k + 1]; a = b) {
            b = group_end(a);
            if (!is_node(a, b)) continue;
            const Pt at = clean[items[a].line][items[a].index];
            g.m_node_pts[id] = at;
            for (std::size_t q = a; q < b; ++q) {
                node_of[first_vertex[items[q].line] + items[q].index] = id;
                const Pt v = clean[items[q].line][items[q].index];
                if (v.x != at.x || v.y != at.y) block_exact[k] = 0;
            }
            ++id;
        }
    });
    g.m_nodes_exact = std::all_of(block_exact.begin(), block_exact.end(), [](std::uint8_t x) { return x != 0; });
    items = {};
    renumber_along_hilbert_curve(g.m_node_pts, node_of);

    // Edges: each line cut at its node vertices; counted per line, then written in parallel at
    // their line's offsets (edges and vertices in line order, as a serial pass would write them).
    std::vector<std::size_t> first_edge(line_count + 1, 0), first_geom(line_count + 1, 0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, line_count, 512), [&](const auto& r) {
        for (std::size_t i = r.begin(); i < r.end(); ++i) {
            std::size_t edges = 0, start = 0, geom = 0;
            for (std::size_t j = 1; j < clean[i].size(); ++j) {
                if (node_of[first_vertex[i] + j] == UINT32_MAX) continue;
                ++edges, geom += j - start + 1, start = j;
            }
            first_edge[i + 1] = edges, first_geom[i + 1] = geom;
        }
    });
    for (std::size_t i = 0; i < line_count; ++i) first_edge[i + 1] += first_edge[i], first_geom[i + 1] += first_geom[i];
    if (first_geom[line_count] >= UINT32_MAX) throw InputError("the road network has too many vertices (4 billion or more)");
    g.m_edges.resize(first_edge[line_count]);
    g.m_vertices.resize(first_geom[line_count]);
    g.m_vertex_cum.resize(first_geom[line_count]);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, line_count, 512), [&](const auto& r) {
        for (std::size_t i = r.begin(); i < r.end(); ++i) {
            const auto& pts = clean[i];
            const std::uint32_t* node = node_of.data() + first_vertex[i];
            const std::uint8_t dir = lines[i].oneway > 0 ? 1 : lines[i].oneway < 0 ? 2 : 3;
            std::size_t edge = first_edge[i], at = first_geom[i], start = 0;
            for (std::size_t j = 1; j < pts.size(); ++j) {
                if (node[j] == UINT32_MAX) continue;
                GraphEdge e;
                e.from = node[start];
                e.to = node[j];
                e.geom_begin = static_cast<std::uint32_t>(at);
                double cum = 0;
                for (std::size_t k = start; k <= j; ++k) {
                    if (k > start) cum += std::hypot(pts[k].x - pts[k - 1].x, pts[k].y - pts[k - 1].y);
                    g.m_vertices[at] = pts[k];
                    g.m_vertex_cum[at] = cum;
                    ++at;
                }
                e.geom_end = static_cast<std::uint32_t>(at);
                e.length = cum;
                e.cls = line_class[i];
                e.dir = dir;
                g.m_edges[edge++] = e;
                start = j;
            }
        }
    });

    // CSR arcs.
    const std::size_t n = g.m_node_pts.size();
    g.m_offsets.assign(n + 1, 0);
    g.m_degree.assign(n, 0);
    for (const auto& e : g.m_edges) {
        if (e.dir & 1) ++g.m_offsets[e.from + 1];
        if (e.dir & 2) ++g.m_offsets[e.to + 1];
        ++g.m_degree[e.from];
        ++g.m_degree[e.to];
    }
    for (std::size_t v = 0; v < n; ++v) g.m_offsets[v + 1] += g.m_offsets[v];
    g.m_arcs.resize(g.m_offsets[n]);
    std::vector<std::uint32_t> fill(g.m_offsets.begin(), g.m_offsets.end() - 1);
    for (std::uint32_t ei = 0; ei < g.m_edges.size(); ++ei) {
        const auto& e = g.m_edges[ei];
        if (e.dir & 1) {
            const auto a = fill[e.from]++;
            g.m_arcs[a] = {e.length, e.to, ei};
        }
        if (e.dir & 2) {
            const auto a = fill[e.to]++;
            g.m_arcs[a] = {e.length, e.from, ei};
        }
    }

    // Weakly connected components, renumbered by size (largest first).
    UnionFind uf(n);
    for (const auto& e : g.m_edges) uf.unite(e.from, e.to);
    std::vector<std::size_t> size_of_root(n, 0);
    for (std::uint32_t v = 0; v < n; ++v) ++size_of_root[uf.find(v)];
    std::vector<std::uint32_t> roots;
    for (std::uint32_t v = 0; v < n; ++v)
        if (uf.find(v) == v) roots.push_back(v);
    std::stable_sort(roots.begin(), roots.end(), [&](auto a, auto b) { return size_of_root[a] > size_of_root[b]; });
    std::vector<std::uint32_t> rank(n, 0);
    for (std::uint32_t r = 0; r < roots.size(); ++r) {
        rank[roots[r]] = r;
        g.m_component_sizes.push_back(size_of_root[roots[r]]);
    }
    g.m_component.resize(n);
    for (std::uint32_t v = 0; v < n; ++v) g.m_component[v] = rank[uf.find(v)];
    return g;
}

NetworkSummary summarize(const RoadGraph& g) {
    NetworkSummary s;
    s.nodes = g.node_count();
    s.edges = g.edge_count();
    s.arcs = g.arc_count();
    s.components = g.component_count();
    s.largest_component_nodes = s.components ? g.component_sizes()[0] : 0;
    s.largest_component_share = s.nodes ? static_cast<double>(s.largest_component_nodes) / static_cast<double>(s.nodes) : 0;
    std::vector<double> by_class(g.class_names().size(), 0.0);
    double largest_len = 0;
    for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
        const auto& ed = g.edge(e);
        s.total_length_m += ed.length;
        by_class[ed.cls] += ed.length;
        if (g.edge_component(e) == 0) largest_len += ed.length;
    }
    s.largest_component_length_share = s.total_length_m > 0 ? largest_len / s.total_length_m : 0;
    for (std::size_t c = 0; c < by_class.size(); ++c) s.length_by_class_m.emplace_back(g.class_names()[c], by_class[c]);
    std::stable_sort(s.length_by_class_m.begin(), s.length_by_class_m.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (std::uint32_t v = 0; v < g.node_count(); ++v) {
        if (g.degree(v) >= 3) ++s.intersections;
        if (g.degree(v) == 1) ++s.dead_ends;
    }
    return s;
}

}  // namespace citycheck::spatial
