#include "coverage_catchments.hpp"

#include <algorithm>
#include <memory>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace citycheck::spatial::detail {

namespace {

// A snapped demand cell as the catchments need it, stored with the other cells of its edge so that
// a facility's searches read them contiguously (not scattered over the whole demand).
struct CellOnEdge {
    double offset;  // along the edge
    double access;  // the access leg's cost (0 unless it counts)
    double weight;
};

// The cells within reach of some facility, grouped by their edge (CSR), in cell order within each
// edge. Built as a counting sort over a few slices of the cells in parallel; the order does not
// depend on the slicing. Only covered cells: no facility reaches a cell its nearest one does not.
struct CellsByEdge {
    std::vector<std::uint32_t> begin;  // edge → first item; edge_count + 1 entries
    std::unique_ptr<CellOnEdge[]> items;  // not value-initialised: the parallel fill writes every item first
};

CellsByEdge group_by_edge(const RoadGraph& g, const Demand& demand, std::span<const EdgePosition> pos,
                          const std::vector<double>& nearest, double max_reach, bool count_access) {
    const auto candidate = [&](std::size_t i) { return nearest[i] <= max_reach + 1e-9; };
    const std::size_t n = pos.size(), edges = g.edge_count();
    const std::size_t slices = std::clamp<std::size_t>(static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()), 1, 8);
    const std::size_t per = (n + slices - 1) / slices;
    std::vector<std::vector<std::uint32_t>> at(slices, std::vector<std::uint32_t>(edges, 0));
    tbb::parallel_for(std::size_t(0), slices, [&](std::size_t s) {
        for (std::size_t i = s * per, end = std::min(n, (s + 1) * per); i < end; ++i)
            if (candidate(i)) ++at[s][pos[i].edge];
    });
    CellsByEdge out;
    out.begin.resize(edges + 1);
    std::uint32_t running = 0;
    for (std::size_t e = 0; e < edges; ++e) {  // slice s of edge e starts after slices 0..s-1
        out.begin[e] = running;
        for (auto& counts : at) running += std::exchange(counts[e], running);
    }
    out.begin[edges] = running;
    out.items.reset(new CellOnEdge[running]);
    tbb::parallel_for(std::size_t(0), slices, [&](std::size_t s) {
        auto& next = at[s];
        for (std::size_t i = s * per, end = std::min(n, (s + 1) * per); i < end; ++i) {
            if (!candidate(i)) continue;
            const EdgePosition& p = pos[i];
            out.items[next[p.edge]++] = {p.offset, count_access ? p.access * g.cost_rate(p.edge) : 0.0, demand.cells[i].weight};
        }
    });
    return out;
}

struct Workspace {
    SearchWorkspace search;
    std::vector<std::uint32_t> stamp;  // edge → generation in which it was last visited
    std::uint32_t generation = 0;
};

}  // namespace

void network_catchments(const RoadGraph& graph, const FacilitySet& facilities, std::span<const Source> sources,
                        const Demand& demand, std::span<const EdgePosition> pos, const std::vector<double>& nearest,
                        double max_reach, bool count_access, std::vector<FacilityCatchment>& out) {
    const CellsByEdge cells = group_by_edge(graph, demand, pos, nearest, max_reach, count_access);
    std::vector<std::size_t> src_begin(facilities.items.size() + 1, 0);
    for (const auto& s : sources) ++src_begin[s.label + 1];
    for (std::size_t f = 0; f < facilities.items.size(); ++f) src_begin[f + 1] += src_begin[f];
    out.resize(facilities.items.size());
    tbb::enumerable_thread_specific<Workspace> workspaces;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, facilities.items.size(), 1), [&](const auto& r) {
        auto& w = workspaces.local();
        if (w.stamp.size() != graph.edge_count()) w.stamp.assign(graph.edge_count(), 0);
        for (std::size_t f = r.begin(); f < r.end(); ++f) {
            auto& c = out[f];
            c.fid = facilities.items[f].fid;
            c.reach = facilities.items[f].reach;
            c.access_points = src_begin[f + 1] - src_begin[f];
            c.demand_within_reach = 0;
            if (c.access_points == 0) continue;
            const std::span<const Source> own(sources.data() + src_begin[f], c.access_points);
            multi_source_search(graph, own, max_reach, w.search);
            if (++w.generation == 0) std::fill(w.stamp.begin(), w.stamp.end(), 0), w.generation = 1;
            // Demand on the edges next to reached nodes and on the facility's own edges; the visiting
            // order follows the search, which is the same on every run, so the sum is too.
            double sum = 0;
            auto visit_edge = [&](std::uint32_t e) {
                if (w.stamp[e] == w.generation) return;
                w.stamp[e] = w.generation;
                EdgePosition at;
                at.edge = e;
                for (std::uint32_t k = cells.begin[e]; k < cells.begin[e + 1]; ++k) {
                    const CellOnEdge& cell = cells.items[k];
                    at.offset = cell.offset;
                    const NetDistance nd = distance_to(graph, w.search, at);
                    if (nd.label != kNoLabel && nd.distance + cell.access <= max_reach + 1e-9) sum += cell.weight;
                }
            };
            for (std::uint32_t v : w.search.touched())
                for (std::uint32_t a = graph.arcs_begin(v); a < graph.arcs_end(v); ++a) visit_edge(graph.arc_edge(a));
            for (const auto& s : own) visit_edge(s.position.edge);
            c.demand_within_reach = sum;
        }
    });
}

}  // namespace citycheck::spatial::detail
