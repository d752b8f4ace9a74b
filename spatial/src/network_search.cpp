#include <citycheck/spatial/network_search.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <utility>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include <citycheck/core/error.hpp>

namespace citycheck::spatial {

EdgeIndex::EdgeIndex(const RoadGraph& graph, double cell_size, const std::function<bool(std::uint32_t)>& usable)
    : m_graph(graph), m_cell(cell_size) {
    const Box empty{1e300, 1e300, -1e300, -1e300};
    const auto merge = [](Box a, const Box& o) {
        return Box{std::min(a.xmin, o.xmin), std::min(a.ymin, o.ymin), std::max(a.xmax, o.xmax), std::max(a.ymax, o.ymax)};
    };
    Box b = tbb::parallel_reduce(
        tbb::blocked_range<std::uint32_t>(0, static_cast<std::uint32_t>(graph.edge_count()), 16384), empty,
        [&](const auto& r, Box acc) {
            for (std::uint32_t e = r.begin(); e < r.end(); ++e)
                for (const Pt& p : graph.edge_geometry(e)) acc = merge(acc, Box{p.x, p.y, p.x, p.y});
            return acc;
        },
        merge);
    if (graph.edge_count() == 0) b = {0, 0, 0, 0};
    m_x0 = b.xmin, m_y0 = b.ymin;
    const bool automatic = !(m_cell > 0);
    if (automatic) {
        // Auto: about two cells per indexed segment, at least 10 m: a nearest query then looks at a
        // few segments (measured on a grid city and the demo: 3× faster than four per cell). By
        // segments, not edges: an OSM edge between two crossings has ten or more.
        const std::size_t segments = tbb::parallel_reduce(
            tbb::blocked_range<std::uint32_t>(0, static_cast<std::uint32_t>(graph.edge_count()), 16384), std::size_t(0),
            [&](const auto& r, std::size_t n) {
                for (std::uint32_t e = r.begin(); e < r.end(); ++e)
                    if (!usable || usable(e)) n += graph.edge_geometry(e).size() - 1;
                return n;
            },
            std::plus<>());
        const double area = std::max(b.width() * b.height(), 1.0);
        m_cell = std::max(10.0, std::sqrt(area / (2.0 * static_cast<double>(segments) + 1.0)));
    }
    const auto size_grid = [&] {
        m_cols = static_cast<long long>((b.xmax - b.xmin) / m_cell) + 1;
        m_rows = static_cast<long long>((b.ymax - b.ymin) / m_cell) + 1;
    };
    size_grid();
    // An automatic size is coarsened rather than refused when a network with very many segments
    // would need too many cells.
    while (automatic && m_cols * m_rows > 50'000'000LL) m_cell *= 2, size_grid();
    if (m_cols * m_rows > 200'000'000LL) throw UsageError("edge index too fine for the network extent; raise the cell size");
    // Two passes (count, fill) give a compact CSR over cells; each pass runs over a few slices of
    // the edges in parallel, slice s of a cell after slices 0..s-1, so the order is the serial one.
    const std::size_t cells = static_cast<std::size_t>(m_cols * m_rows), edges = graph.edge_count();
    // Each slice counts over every cell: at most 64 MB of counters in all.
    const std::size_t slices = std::clamp<std::size_t>(
        std::min(static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()), (std::size_t(16) << 20) / (cells + 1)), 1, 8);
    const std::size_t per = (edges + slices - 1) / slices;
    auto for_each_cell = [&](std::size_t slice, auto&& fn) {
        for (std::size_t ei = slice * per, end = std::min(edges, (slice + 1) * per); ei < end; ++ei) {
            const auto e = static_cast<std::uint32_t>(ei);
            if (usable && !usable(e)) continue;
            const auto pts = graph.edge_geometry(e);
            for (std::uint32_t k = 0; k + 1 < pts.size(); ++k) {
                long long c0, r0, c1, r1;
                cell_range(std::min(pts[k].x, pts[k + 1].x), std::min(pts[k].y, pts[k + 1].y),
                           std::max(pts[k].x, pts[k + 1].x), std::max(pts[k].y, pts[k + 1].y), c0, r0, c1, r1);
                for (long long r = r0; r <= r1; ++r)
                    for (long long c = c0; c <= c1; ++c) fn(static_cast<std::size_t>(r * m_cols + c), e, k);
            }
        }
    };
    std::vector<std::vector<std::uint32_t>> next(slices, std::vector<std::uint32_t>(cells, 0));
    tbb::parallel_for(std::size_t(0), slices, [&](std::size_t s) {
        for_each_cell(s, [&](std::size_t cell, std::uint32_t, std::uint32_t) { ++next[s][cell]; });
    });
    std::vector<std::uint32_t> counts(cells + 1, 0);
    std::uint64_t running = 0;
    for (std::size_t c = 0; c < cells; ++c) {
        counts[c] = static_cast<std::uint32_t>(running);
        for (auto& n : next) {
            const std::uint32_t here = n[c];
            n[c] = static_cast<std::uint32_t>(running);
            running += here;
        }
        if (running > UINT32_MAX) throw UsageError("edge index too large for the network; raise the cell size");
    }
    counts[cells] = static_cast<std::uint32_t>(running);
    m_items.resize(running);
    tbb::parallel_for(std::size_t(0), slices, [&](std::size_t s) {
        for_each_cell(s, [&](std::size_t cell, std::uint32_t e, std::uint32_t k) {
            const auto pts = graph.edge_geometry(e);
            const double dx = pts[k + 1].x - pts[k].x, dy = pts[k + 1].y - pts[k].y, len2 = dx * dx + dy * dy;
            m_items[next[s][cell]++] = {pts[k], pts[k + 1], len2 > 0 ? 1.0 / len2 : 0.0, e, k};
        });
    });
    m_cell_begin = std::move(counts);
    // Per cell, how many rings of cells around it hold no segment: the chessboard distance (in
    // cells, at most 255) to the nearest cell that holds one, by the two-pass 3 × 3 chamfer, which
    // is exact for that metric. A query starts its ring search there: far from any road (a demand
    // cell in a forest, a lake) it would otherwise walk through many empty rings.
    m_empty_rings.assign(cells, 255);
    const auto cols = static_cast<std::size_t>(m_cols), rows = static_cast<std::size_t>(m_rows);
    std::uint8_t* d = m_empty_rings.data();
    const auto step = [](std::uint8_t v) { return static_cast<std::uint8_t>(v == 255 ? 255 : v + 1); };
    for (std::size_t c = 0; c < cells; ++c)
        if (m_cell_begin[c] != m_cell_begin[c + 1]) d[c] = 0;
    // Forward, then backward: each cell from the three cells of the row swept before it and the
    // cell swept before it in its own row.
    const auto sweep = [&](bool forward) {
        for (std::size_t i = 0; i < rows; ++i) {
            const std::size_t r = forward ? i : rows - 1 - i;
            std::uint8_t* row = d + r * cols;
            const std::uint8_t* before = (forward ? r > 0 : r + 1 < rows) ? (forward ? row - cols : row + cols) : nullptr;
            for (std::size_t j = 0; j < cols; ++j) {
                const std::size_t c = forward ? j : cols - 1 - j;
                std::uint8_t v = row[c];
                if (before) {
                    v = std::min(v, step(before[c]));
                    if (c > 0) v = std::min(v, step(before[c - 1]));
                    if (c + 1 < cols) v = std::min(v, step(before[c + 1]));
                }
                if (j > 0) v = std::min(v, step(row[forward ? c - 1 : c + 1]));
                row[c] = v;
            }
        }
    };
    sweep(true);
    sweep(false);
}

void EdgeIndex::cell_range(double xmin, double ymin, double xmax, double ymax, long long& c0, long long& r0,
                           long long& c1, long long& r1) const {
    auto clampc = [&](double v, long long hi) { return std::clamp(static_cast<long long>(std::floor(v)), 0LL, hi - 1); };
    c0 = clampc((xmin - m_x0) / m_cell, m_cols);
    c1 = clampc((xmax - m_x0) / m_cell, m_cols);
    r0 = clampc((ymin - m_y0) / m_cell, m_rows);
    r1 = clampc((ymax - m_y0) / m_cell, m_rows);
}

template <class Bound, class Visit>
void EdgeIndex::walk_rings(Pt p, double max_distance, Bound&& bound2, Visit&& visit) const {
    // Rings of cells outward from p's cell, until the ring is farther than the bound.
    const long long pc = static_cast<long long>(std::floor((p.x - m_x0) / m_cell));
    const long long pr = static_cast<long long>(std::floor((p.y - m_y0) / m_cell));
    const long long max_ring = static_cast<long long>(std::ceil(max_distance / m_cell)) + 1;
    // Rings known to hold no segment are skipped (nothing to find there, so the answer is the same).
    // For a point outside the grid, its nearest grid cell's count is a lower bound: every cell is at
    // least as many rings from the point as from that cell.
    const long long first_ring =
        m_empty_rings[static_cast<std::size_t>(std::clamp(pr, 0LL, m_rows - 1) * m_cols + std::clamp(pc, 0LL, m_cols - 1))];
    for (long long ring = first_ring; ring <= max_ring; ++ring) {
        for (long long r = pr - ring; r <= pr + ring; ++r) {
            if (r < 0 || r >= m_rows) continue;
            const bool edge_row = r == pr - ring || r == pr + ring;
            for (long long c = pc - ring; c <= pc + ring; c += (edge_row ? 1 : 2 * ring > 0 ? 2 * ring : 1)) {
                if (c >= 0 && c < m_cols) {
                    const auto cell = static_cast<std::size_t>(r * m_cols + c);
                    for (std::uint32_t i = m_cell_begin[cell]; i < m_cell_begin[cell + 1]; ++i)
                        if (visit(m_items[i])) return;
                }
                if (!edge_row && ring == 0) break;
            }
        }
        // Everything outside the rings searched so far is at least `gap` away: stop when the bound is
        // closer (strictly: a segment exactly `gap` away could still win a tie).
        const double gap = std::min({p.x - (m_x0 + static_cast<double>(pc - ring) * m_cell),
                                     m_x0 + static_cast<double>(pc + ring + 1) * m_cell - p.x,
                                     p.y - (m_y0 + static_cast<double>(pr - ring) * m_cell),
                                     m_y0 + static_cast<double>(pr + ring + 1) * m_cell - p.y});
        if (gap >= 0 && gap * gap > bound2()) return;
    }
}

namespace {
// Squared distance from p to the segment, and in t the parameter of its closest point.
double distance2(const Pt a, const Pt b, double inv_len2, Pt p, double& t) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) * inv_len2, 0.0, 1.0);
    const double ex = p.x - (a.x + t * dx), ey = p.y - (a.y + t * dy);
    return ex * ex + ey * ey;
}
}  // namespace

std::optional<EdgePosition> EdgeIndex::nearest(Pt p, double max_distance) const {
    if (m_items.empty()) return std::nullopt;
    double best2 = max_distance * max_distance;
    std::uint32_t best_edge = UINT32_MAX, best_seg = 0;
    double best_t = 0;
    walk_rings(p, max_distance, [&] { return best2; }, [&](const Item& it) {
        // Squared distances in the loop; one square root at the end.
        double t;
        const double d2 = distance2(it.a, it.b, it.inv_len2, p, t);
        const std::uint32_t e = it.edge, k = it.seg;
        if (d2 < best2 || (d2 == best2 && best_edge != UINT32_MAX && (e < best_edge || (e == best_edge && k < best_seg))))
            best2 = d2, best_edge = e, best_seg = k, best_t = t;
        return false;
    });
    if (best_edge == UINT32_MAX) return std::nullopt;
    const auto pts = m_graph.edge_geometry(best_edge);
    const Pt a = pts[best_seg], b = pts[best_seg + 1];
    EdgePosition pos;
    pos.edge = best_edge;
    const double seg_len = m_graph.vertex_offset(best_edge, best_seg + 1) - m_graph.vertex_offset(best_edge, best_seg);
    pos.offset = m_graph.vertex_offset(best_edge, best_seg) + best_t * seg_len;
    pos.point = {a.x + best_t * (b.x - a.x), a.y + best_t * (b.y - a.y)};
    pos.access = std::sqrt(best2);
    return pos;
}

bool EdgeIndex::any_within(Pt p, double max_distance) const {
    if (m_items.empty()) return false;
    // nearest()'s walk with its first bound, never lowered: the first segment within it settles it.
    const double bound2 = max_distance * max_distance;
    bool found = false;
    walk_rings(p, max_distance, [&] { return bound2; }, [&](const Item& it) {
        double t;
        return found = distance2(it.a, it.b, it.inv_len2, p, t) < bound2;
    });
    return found;
}

void EdgeIndex::edges_near_segment(Pt a, Pt b, double distance, std::vector<EdgePosition>& out) const {
    if (m_items.empty()) return;
    long long c0, r0, c1, r1;
    cell_range(std::min(a.x, b.x) - distance, std::min(a.y, b.y) - distance, std::max(a.x, b.x) + distance,
               std::max(a.y, b.y) + distance, c0, r0, c1, r1);
    const std::size_t first = out.size();
    for (long long r = r0; r <= r1; ++r)
        for (long long c = c0; c <= c1; ++c) {
            const auto cell = static_cast<std::size_t>(r * m_cols + c);
            for (std::uint32_t i = m_cell_begin[cell]; i < m_cell_begin[cell + 1]; ++i) {
                const Item& it = m_items[i];
                const std::uint32_t e = it.edge, k = it.seg;
                const Pt p = it.a, q = it.b;
                // Closest approach of two segments: at one of the four endpoints, or 0 where they cross.
                double best = 1e300, best_t = 0;
                auto consider = [&](double d, double t) {
                    if (d < best) best = d, best_t = t;
                };
                double t = 0;
                const double da = segment_distance(a, p, q, &t);
                consider(da, t);
                const double db = segment_distance(b, p, q, &t);
                consider(db, t);
                consider(segment_distance(p, a, b), 0.0);
                consider(segment_distance(q, a, b), 1.0);
                const double rx = q.x - p.x, ry = q.y - p.y, sx = b.x - a.x, sy = b.y - a.y;
                const double den = rx * sy - ry * sx;
                if (std::abs(den) > 1e-12) {
                    const double tt = ((a.x - p.x) * sy - (a.y - p.y) * sx) / den;
                    const double uu = ((a.x - p.x) * ry - (a.y - p.y) * rx) / den;
                    if (tt >= 0 && tt <= 1 && uu >= 0 && uu <= 1) consider(0.0, tt);
                }
                if (best > distance) continue;
                EdgePosition pos;
                pos.edge = e;
                const double seg_len = m_graph.vertex_offset(e, k + 1) - m_graph.vertex_offset(e, k);
                pos.offset = m_graph.vertex_offset(e, k) + best_t * seg_len;
                pos.point = {p.x + best_t * rx, p.y + best_t * ry};
                pos.access = best;
                out.push_back(pos);
            }
        }
    // One position per edge: keep the closest.
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), [](const EdgePosition& x, const EdgePosition& y) {
        return x.edge != y.edge ? x.edge < y.edge : x.access != y.access ? x.access < y.access : x.offset < y.offset;
    });
    out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                          [](const EdgePosition& x, const EdgePosition& y) { return x.edge == y.edge; }),
              out.end());
}

void SearchWorkspace::prepare(std::size_t nodes) {
    if (m_state.size() != nodes) {
        m_state.assign(nodes, {kUnreached, kNoLabel});
        m_touched.clear();
    }
    for (auto v : m_touched) m_state[v] = {kUnreached, kNoLabel};
    m_touched.clear();
    m_heap.clear();
    relaxed = 0;
}

namespace {

// A 4-ary min-heap of (distance, node) with lazy deletion: shallower than a binary heap, with a
// node's children side by side. Keys are the distances' bit patterns mapped so that unsigned order
// is numeric order (a seed may be a rounding error below zero), so the child choice is branch-free. Equal distances pop in
// any order: labels do not depend on it, because a relaxation with an equal distance and a smaller
// label re-settles the node (see multi_source_search).
class QuadHeap {
  public:
    using Item = SearchWorkspace::HeapEntry;
    explicit QuadHeap(std::vector<Item>& items) : m_a(items) { m_a.clear(); }
    // Non-negative doubles order like their bits; negative ones in reverse: flip accordingly.
    static std::uint64_t key_of(double d) noexcept {
        const auto u = std::bit_cast<std::uint64_t>(d + 0.0);  // -0 → +0
        return u >> 63 ? ~u : u | (std::uint64_t(1) << 63);
    }
    static double distance_of(std::uint64_t key) noexcept {
        return std::bit_cast<double>(key >> 63 ? key & ~(std::uint64_t(1) << 63) : ~key);
    }
    bool empty() const noexcept { return m_a.empty(); }
    std::uint32_t top_node() const noexcept { return m_a.front().node; }
    void push(double d, std::uint32_t v) {
        std::size_t i = m_a.size();
        const Item x{key_of(d), v};
        m_a.push_back(x);
        while (i > 0) {
            const std::size_t parent = (i - 1) / 4;
            if (x.key >= m_a[parent].key) break;
            m_a[i] = m_a[parent];
            i = parent;
        }
        m_a[i] = x;
    }
    Item pop() {
        const Item top = m_a.front();
        const Item x = m_a.back();
        m_a.pop_back();
        const std::size_t n = m_a.size();
        if (n == 0) return top;
        std::size_t i = 0;
        for (;;) {
            const std::size_t c0 = 4 * i + 1;
            if (c0 >= n) break;
            std::size_t best = c0;
            std::uint64_t best_key = m_a[c0].key;
            const std::size_t c_end = std::min(c0 + 4, n);
            for (std::size_t c = c0 + 1; c < c_end; ++c) {
                const bool lt = m_a[c].key < best_key;  // compiled to conditional moves
                best = lt ? c : best;
                best_key = lt ? m_a[c].key : best_key;
            }
            if (best_key >= x.key) break;
            m_a[i] = m_a[best];
            i = best;
        }
        m_a[i] = x;
        return top;
    }

  private:
    std::vector<Item>& m_a;
};

}  // namespace

void multi_source_search(const RoadGraph& g, std::span<const Source> sources, double cutoff, SearchWorkspace& ws) {
    ws.prepare(g.node_count());
    QuadHeap heap(ws.m_heap);
    auto* state = ws.m_state.data();
    auto settle = [&](std::uint32_t v, double d, std::uint32_t label) {
        if (d > cutoff) return;
        if (d < state[v].dist || (d == state[v].dist && label < state[v].label)) {
            if (state[v].dist == kUnreached) ws.m_touched.push_back(v);
            state[v] = {d, label};
            heap.push(d, v);
        }
    };
    for (const auto& s : sources) {
        const auto& e = g.edge(s.position.edge);
        const double rate = g.cost_rate(s.position.edge);
        if (e.dir & 2) settle(e.from, s.initial + s.position.offset * rate, s.label);
        if (e.dir & 1) settle(e.to, s.initial + (e.length - s.position.offset) * rate, s.label);
    }
    ws.m_sources_by_edge.assign(sources.begin(), sources.end());
    std::sort(ws.m_sources_by_edge.begin(), ws.m_sources_by_edge.end(),
              [](const Source& a, const Source& b) { return a.position.edge < b.position.edge; });
    std::uint64_t relaxed = 0;
    const RoadGraph::Arc* arcs = g.arcs();
    const std::uint32_t* offsets = g.arc_offsets();
    while (!heap.empty()) {
        const auto top = heap.pop();
        const double d = QuadHeap::distance_of(top.key);
        const std::uint32_t v = top.node;
        // The next node to settle is known now: start fetching its arcs and state while this one is
        // relaxed (on large graphs every pop is a cache miss otherwise).
        if (!heap.empty()) {
            const std::uint32_t next = heap.top_node();
            __builtin_prefetch(arcs + offsets[next]);  // its offset loads while this node is relaxed
            __builtin_prefetch(state + next);
        }
        if (d > state[v].dist) continue;  // stale entry
        const std::uint32_t label = state[v].label;
        const std::uint32_t a0 = offsets[v], a1 = offsets[v + 1];
        relaxed += a1 - a0;
        for (std::uint32_t a = a0; a < a1; ++a) __builtin_prefetch(state + arcs[a].target);
        for (std::uint32_t a = a0; a < a1; ++a) {
            const double nd = d + arcs[a].cost;
            const std::uint32_t t = arcs[a].target;
            // Ties go to the smaller label, so labels never depend on the order nodes are settled in.
            if ((nd < state[t].dist || (nd == state[t].dist && label < state[t].label)) && nd <= cutoff) {
                if (state[t].dist == kUnreached) ws.m_touched.push_back(t);
                state[t] = {nd, label};
                heap.push(nd, t);
            }
        }
    }
    ws.relaxed = relaxed;
}

NetDistance distance_to(const RoadGraph& g, const SearchWorkspace& ws, const EdgePosition& p) {
    NetDistance best;
    const auto& e = g.edge(p.edge);
    const double rate = g.cost_rate(p.edge);  // costs of partial edges are proportional to their length
    auto consider = [&](double d, std::uint32_t label) {
        if (d < best.distance || (d == best.distance && label < best.label)) best = {d, label};
    };
    // Travel from -> position requires the forward direction; to -> position the backward one.
    if ((e.dir & 1) && ws.distance(e.from) != kUnreached) consider(ws.distance(e.from) + p.offset * rate, ws.label(e.from));
    if ((e.dir & 2) && ws.distance(e.to) != kUnreached) consider(ws.distance(e.to) + (e.length - p.offset) * rate, ws.label(e.to));
    const auto& srcs = ws.m_sources_by_edge;
    auto it = std::lower_bound(srcs.begin(), srcs.end(), p.edge,
                               [](const Source& s, std::uint32_t edge) { return s.position.edge < edge; });
    for (; it != srcs.end() && it->position.edge == p.edge; ++it) {
        const double delta = p.offset - it->position.offset;
        if ((delta >= 0 && (e.dir & 1)) || (delta <= 0 && (e.dir & 2))) consider(it->initial + std::abs(delta) * rate, it->label);
    }
    return best;
}

}  // namespace citycheck::spatial
