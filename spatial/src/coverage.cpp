// Coverage: Euclidean or network distance from demand positions to the nearest facility, summed by zone.
#include <citycheck/spatial/coverage.hpp>

#include <algorithm>
#include <cmath>
#include <span>

#include <tbb/parallel_for.h>

#include <citycheck/core/error.hpp>
#include <citycheck/core/stopwatch.hpp>

#include "coverage_catchments.hpp"

namespace citycheck::spatial {

namespace {


double max_reach_of(const FacilitySet& f) {
    double r = 0;
    for (const auto& x : f.items) r = std::max(r, x.reach);
    return r;
}

double facility_distance(const Facility& f, Pt p) {
    if (f.is_line) return f.polygon.boundary_distance(p);
    return f.is_polygon ? f.polygon.distance(p) : std::hypot(p.x - f.point.x, p.y - f.point.y);
}

// Facilities bucketed by their envelope grown by their reach, for Euclidean queries.
class FacilityGrid {
  public:
    // Each facility is bucketed where it reaches, its reach grown by `margin`.
    FacilityGrid(const FacilitySet& set, double cell, double margin = 0) : m_set(set), m_cell(std::max(cell, 1.0)) {
        Box b{1e300, 1e300, -1e300, -1e300};
        std::vector<Box> boxes;
        for (const auto& f : set.items) {
            Box e = f.is_polygon ? f.polygon.envelope() : Box{f.point.x, f.point.y, f.point.x, f.point.y};
            const double grow = f.reach + margin;
            e = {e.xmin - grow, e.ymin - grow, e.xmax + grow, e.ymax + grow};
            boxes.push_back(e);
            b.xmin = std::min(b.xmin, e.xmin), b.ymin = std::min(b.ymin, e.ymin);
            b.xmax = std::max(b.xmax, e.xmax), b.ymax = std::max(b.ymax, e.ymax);
        }
        if (boxes.empty()) return;
        m_x0 = b.xmin, m_y0 = b.ymin;
        m_cols = static_cast<long long>(b.width() / m_cell) + 1;
        m_rows = static_cast<long long>(b.height() / m_cell) + 1;
        while (m_cols * m_rows > 50'000'000LL) {
            m_cell *= 2;
            m_cols = static_cast<long long>(b.width() / m_cell) + 1;
            m_rows = static_cast<long long>(b.height() / m_cell) + 1;
        }
        m_buckets.resize(static_cast<std::size_t>(m_cols * m_rows));
        for (std::uint32_t i = 0; i < boxes.size(); ++i) {
            const Box& e = boxes[i];
            for (long long r = row(e.ymin); r <= row(e.ymax); ++r)
                for (long long c = col(e.xmin); c <= col(e.xmax); ++c) m_buckets[static_cast<std::size_t>(r * m_cols + c)].push_back(i);
        }
    }
    // Smallest effective distance d + (max_reach - reach) over facilities that reach p; +inf if none.
    std::pair<double, std::uint32_t> nearest(Pt p, double max_reach) const {
        double best = kUnreached;
        std::uint32_t label = kNoLabel;
        for (std::uint32_t i : bucket(p)) {
            const Facility& f = m_set.items[i];
            const double d = facility_distance(f, p);
            if (d > f.reach) continue;
            const double eff = d + (max_reach - f.reach);
            if (eff < best) best = eff, label = i;
        }
        return {best, label};
    }

    // Whether some facility lies within its reach + margin of p, in a straight line (the grid
    // must have been built with at least this margin).
    bool any_within_reach(Pt p, double margin) const {
        for (std::uint32_t i : bucket(p)) {
            const Facility& f = m_set.items[i];
            const double limit = f.reach + margin;
            if (f.is_polygon ? facility_distance(f, p) <= limit  // squares for points: no hypot() per cell
                             : (p.x - f.point.x) * (p.x - f.point.x) + (p.y - f.point.y) * (p.y - f.point.y) <= limit * limit)
                return true;
        }
        return false;
    }

    template <class Fn>
    void for_each_reaching(Pt p, Fn&& fn) const {
        for (std::uint32_t i : bucket(p)) {
            const Facility& f = m_set.items[i];
            const double d = facility_distance(f, p);
            if (d <= f.reach) fn(i);
        }
    }

  private:
    // The facilities whose grown box may hold p (none left or below the grid; col/row clamp the rest).
    std::span<const std::uint32_t> bucket(Pt p) const {
        if (m_buckets.empty() || p.x < m_x0 || p.y < m_y0) return {};
        return m_buckets[static_cast<std::size_t>(row(p.y) * m_cols + col(p.x))];
    }
    long long col(double x) const { return std::min(m_cols - 1, std::max(0LL, static_cast<long long>((x - m_x0) / m_cell))); }
    long long row(double y) const { return std::min(m_rows - 1, std::max(0LL, static_cast<long long>((y - m_y0) / m_cell))); }
    const FacilitySet& m_set;
    double m_cell;
    double m_x0 = 0, m_y0 = 0;
    long long m_cols = 0, m_rows = 0;
    std::vector<std::vector<std::uint32_t>> m_buckets;
};

// A demand cell's place on the network, for this coverage.
constexpr std::uint8_t kUnsnapped = 0;  // no usable edge within the access limit
constexpr std::uint8_t kSnapped = 1;    // at its position on its nearest edge
constexpr std::uint8_t kLeftOut = 2;    // an edge lies within the limit, but no facility can reach the cell: not snapped

// Per demand cell: 1 where every facility lies farther than its reach in a straight line. The
// network distance of a cell, its access legs counted, is at least that straight distance (legs
// and edge pieces form a continuous line from the cell to a point of the facility, when the
// graph's nodes are exact), so such a cell cannot be covered. The margin absorbs rounding in the
// sums of edge lengths, far above it.
std::vector<std::uint8_t> beyond_straight_reach(const FacilitySet& facilities, const Demand& demand, double max_reach) {
    const double margin = 1e-6 + 1e-9 * max_reach;
    const FacilityGrid grid(facilities, std::max(max_reach, 50.0), margin);
    std::vector<std::uint8_t> beyond(demand.cells.size());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, demand.cells.size(), 4096), [&](const auto& r) {
        for (std::size_t i = r.begin(); i < r.end(); ++i) beyond[i] = !grid.any_within_reach(demand.cells[i].p, margin);
    });
    return beyond;
}

bool small_island(const RoadGraph& g, std::uint32_t component, std::size_t island_nodes) {
    return component != 0 && g.component_sizes()[component] < island_nodes;
}

// Diagnostics: facilities and demand whose nearest edge (over the whole graph) lies on a small
// island. With largest_component_only they were snapped elsewhere or not at all; without it they
// sit on the island, cut off from the rest.
void report_islands(const RoadGraph& g, const EdgeIndex& used, const FacilitySet& facilities, const Demand& demand,
                    std::span<const EdgePosition> demand_pos, const std::vector<std::uint8_t>& snapped,
                    const CoverageOptions& options, double access_max,
                    CoverageStats& st) {
    for (std::uint32_t c = 1; c < g.component_count(); ++c)
        if (small_island(g, c, options.island_nodes)) ++st.island_components;
    if (st.island_components == 0) return;
    auto on_island = [&](const std::optional<EdgePosition>& p) {
        return p && small_island(g, g.edge_component(p->edge), options.island_nodes);
    };
    // A facility's nearest edge: of its point, or the nearest to any vertex of its polygon.
    const auto facility_points = [](const Facility& f, auto&& fn) {
        if (!f.is_polygon) return fn(f.point);
        for (const auto& ring : f.polygon.rings)
            for (const Pt& p : ring) fn(p);
    };
    const auto facility_nearest = [&](const Facility& f, const EdgeIndex& index) {
        std::optional<EdgePosition> nearest;
        facility_points(f, [&](Pt p) {
            if (auto q = index.nearest(p, options.facility_snap_max); q && (!nearest || q->access < nearest->access)) nearest = q;
        });
        return nearest;
    };
    const auto report_facility = [&](const Facility& f) {
        ++st.facilities_on_islands;
        st.island_facility_fids.push_back(f.fid);
    };
    std::vector<std::uint8_t> flag(demand.cells.size(), 0);
    // The edges off the largest component: few, so their own index tells quickly whether a point
    // could be nearest to one of them at all.
    std::optional<EdgeIndex> others;
    const auto make_others = [&] { others.emplace(g, 0, [&g](std::uint32_t e) { return g.edge_component(e) != 0; }); };
    if (!options.largest_component_only) {  // the snap used every edge: its answers say it
        for (const auto& f : facilities.items)
            if (on_island(facility_nearest(f, used))) report_facility(f);
        if (std::find(snapped.begin(), snapped.end(), kLeftOut) != snapped.end()) make_others();
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, demand.cells.size(), 2048), [&](const auto& r) {
            for (std::size_t i = r.begin(); i < r.end(); ++i) {
                if (snapped[i] == kSnapped) flag[i] = small_island(g, g.edge_component(demand_pos[i].edge), options.island_nodes);
                // A cell left out of the snap is asked here, if an edge off the largest component is near enough.
                else if (snapped[i] == kLeftOut && others->any_within(demand.cells[i].p, access_max))
                    flag[i] = on_island(used.nearest(demand.cells[i].p, access_max));
            }
        });
    } else {
        make_others();
        // A point can be nearest to an edge off the largest component only if such an edge lies
        // at least as near as its nearest edge on it (with a margin for rounding). Only the points
        // so flagged are asked against every edge, and their answer is that query's, as it would
        // be for all.
        const auto contested = [&](Pt p, double nearest_on_largest) { return others->any_within(p, nearest_on_largest * (1 + 1e-9) + 1e-9); };
        std::vector<std::uint8_t> facility_contested(facilities.items.size(), 0);
        bool any = false;
        for (std::size_t k = 0; k < facilities.items.size(); ++k)
            facility_points(facilities.items[k], [&](Pt p) {
                const auto on_largest = used.nearest(p, options.facility_snap_max);
                if (!facility_contested[k] && contested(p, on_largest ? on_largest->access : options.facility_snap_max))
                    facility_contested[k] = 1, any = true;
            });
        constexpr std::uint8_t kContested = 2;
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, demand.cells.size(), 2048), [&](const auto& r) {
            for (std::size_t i = r.begin(); i < r.end(); ++i)
                if (contested(demand.cells[i].p, snapped[i] == kSnapped ? demand_pos[i].access : access_max)) flag[i] = kContested;
        });
        any = any || std::find(flag.begin(), flag.end(), kContested) != flag.end();
        if (any) {
            const EdgeIndex every(g, 0);
            for (std::size_t k = 0; k < facilities.items.size(); ++k)
                if (facility_contested[k] && on_island(facility_nearest(facilities.items[k], every))) report_facility(facilities.items[k]);
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, demand.cells.size(), 2048), [&](const auto& r) {
                for (std::size_t i = r.begin(); i < r.end(); ++i)
                    if (flag[i] == kContested) flag[i] = on_island(every.nearest(demand.cells[i].p, access_max));
            });
        }
    }
    for (std::size_t i = 0; i < flag.size(); ++i)
        if (flag[i]) ++st.demand_on_islands, st.demand_on_islands_weight += demand.cells[i].weight;
}

}  // namespace

std::vector<Source> facility_sources(const RoadGraph& graph, const EdgeIndex& index, const FacilitySet& facilities,
                                     const CoverageOptions& options, double max_reach, CoverageStats& stats) {
    std::vector<Source> sources;
    std::vector<EdgePosition> found;
    for (std::uint32_t i = 0; i < facilities.items.size(); ++i) {
        const Facility& f = facilities.items[i];
        const double shift = max_reach - f.reach;  // tiered reach in one search
        found.clear();
        if (f.is_polygon) {
            if (options.boundary_sample > 0) {
                // Boundary samples every N m, each snapped to its nearest edge within the tolerance.
                for (const auto& ring : f.polygon.rings)
                    for (std::size_t k = 0; k < ring.size(); ++k) {
                        const Pt a = ring[k], b = ring[(k + 1) % ring.size()];
                        const double len = std::hypot(b.x - a.x, b.y - a.y);
                        for (double s = 0; s < len; s += options.boundary_sample) {
                            const Pt p{a.x + (b.x - a.x) * s / len, a.y + (b.y - a.y) * s / len};
                            if (auto pos = index.nearest(p, options.boundary_tolerance)) found.push_back(*pos);
                        }
                    }
            } else {
                // Where the boundary meets the network: edges within the tolerance of a boundary segment.
                for (const auto& ring : f.polygon.rings)
                    for (std::size_t k = 0; k < ring.size(); ++k)
                        index.edges_near_segment(ring[k], ring[(k + 1) % ring.size()], options.boundary_tolerance, found);
            }
            if (found.empty()) {
                // No entrance within the tolerance: the nearest edge to any boundary vertex, within snap max.
                std::optional<EdgePosition> best;
                for (const auto& ring : f.polygon.rings)
                    for (const Pt& p : ring)
                        if (auto pos = index.nearest(p, options.facility_snap_max); pos && (!best || pos->access < best->access))
                            best = pos;
                if (best) found.push_back(*best);
            }
        } else if (auto pos = index.nearest(f.point, options.facility_snap_max)) {
            found.push_back(*pos);
        }
        if (found.empty()) {
            ++stats.facilities_unsnapped;
            continue;
        }
        stats.access_points += found.size();
        // The access leg is travelled at the speed of the edge it joins (its cost per metre).
        for (const auto& pos : found)
            sources.push_back({pos, shift + (options.count_access ? pos.access * graph.cost_rate(pos.edge) : 0.0), i});
    }
    return sources;
}

DemandSnap::DemandSnap(const RoadGraph& graph, bool largest)
    : largest_component_only(largest),
      index(graph, 0, [&graph, largest](std::uint32_t e) { return !largest || graph.edge_component(e) == 0; }) {}

std::shared_ptr<const DemandSnap> snap_demand(const RoadGraph& graph, const Demand& demand, bool largest_component_only,
                                              double access_cap, std::span<const std::uint8_t> skip) {
    auto snap = std::make_shared<DemandSnap>(graph, largest_component_only);
    snap->access_cap = access_cap;
    snap->positions.resize(demand.cells.size());  // not initialised: every one is written below
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, demand.cells.size(), 2048), [&](const auto& r) {
        for (std::size_t i = r.begin(); i < r.end(); ++i) {
            const auto p = skip.empty() || !skip[i] ? snap->index.nearest(demand.cells[i].p, access_cap) : std::nullopt;
            snap->positions[i] = p ? *p : EdgePosition{};
        }
    });
    return snap;
}

double demand_access_max(const RoadGraph& graph, const FacilitySet& facilities, const CoverageOptions& options) {
    // Default: as far as the reach can carry an access leg (the reach in metres for lengths).
    return options.demand_access_max >= 0 ? options.demand_access_max : std::max(max_reach_of(facilities) / graph.min_cost_rate(), 1.0);
}

CoverageResult compute_coverage(const FacilitySet& facilities, const Demand& demand, std::size_t zone_count,
                                const RoadGraph* graph, const CoverageOptions& options, const Progress& progress,
                                const DemandSnap* shared_snap) {
    CoverageResult result;
    auto& st = result.stats;
    st.facilities = facilities.items.size();
    st.demand_cells = demand.cells.size();
    const double max_reach = max_reach_of(facilities);
    const std::size_t n = demand.cells.size();
    std::vector<double> eff(n, kUnreached);
    std::vector<std::uint32_t> label(n, kNoLabel);

    if (!options.network) {
        progress.report(0.1, "euclidean distances");
        Stopwatch clock;
        FacilityGrid grid(facilities, std::max(max_reach, 50.0));
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096), [&](const auto& r) {
            for (std::size_t i = r.begin(); i < r.end(); ++i) std::tie(eff[i], label[i]) = grid.nearest(demand.cells[i].p, max_reach);
        });
        st.evaluate_seconds = clock.lap();
        if (options.catchments) {
            clock = Stopwatch();
            result.catchments.resize(facilities.items.size());
            for (std::size_t f = 0; f < facilities.items.size(); ++f)
                result.catchments[f].fid = facilities.items[f].fid, result.catchments[f].reach = facilities.items[f].reach;
            for (std::size_t i = 0; i < n; ++i)
                grid.for_each_reaching(demand.cells[i].p, [&](std::uint32_t f) { result.catchments[f].demand_within_reach += demand.cells[i].weight; });
            st.catchment_seconds = clock.lap();
        }
    } else {
        if (!graph) throw InternalError("network coverage without a graph");
        progress.report(0.05, "snapping");
        Stopwatch clock;
        const double access_max = demand_access_max(*graph, facilities, options);
        std::shared_ptr<const DemandSnap> own_snap;
        const DemandSnap* snap = shared_snap;
        // Cells that no facility reaches even in a straight line, its access legs counted, are
        // uncovered whatever the network: an own snap leaves them out (the snap is the costly part,
        // and often most of a city lies beyond every facility's reach). Only where a network path
        // is a continuous line (lengths as costs, no gap jumped at a node). A shared snap has them all.
        std::vector<std::uint8_t> beyond;
        if (!snap || snap->largest_component_only != options.largest_component_only || snap->access_cap < access_max ||
            snap->positions.size() != n) {
            if (options.count_access && graph->costs_are_lengths() && graph->nodes_are_exact())
                beyond = beyond_straight_reach(facilities, demand, max_reach);
            own_snap = snap_demand(*graph, demand, options.largest_component_only, access_max, beyond);
            snap = own_snap.get();
        }
        const EdgeIndex& index = snap->index;
        const auto sources = facility_sources(*graph, index, facilities, options, max_reach, st);
        // A shared snap may reach farther than this coverage allows: those cells count as unsnapped here.
        const std::span<const EdgePosition> pos = snap->positions;
        const bool filter = snap->access_cap > access_max;
        std::vector<std::uint8_t> snapped(n);
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096), [&](const auto& r) {
            for (std::size_t i = r.begin(); i < r.end(); ++i) {
                // A cell left out is unsnapped only where no usable edge lies within the access limit.
                const bool reached = beyond.empty() || !beyond[i] ? pos[i].valid() && (!filter || pos[i].access < access_max)
                                                                 : index.any_within(demand.cells[i].p, access_max);
                snapped[i] = reached ? (beyond.empty() || !beyond[i] ? kSnapped : kLeftOut) : kUnsnapped;
            }
        });
        for (std::size_t i = 0; i < n; ++i)
            if (snapped[i] == kUnsnapped) ++st.demand_unsnapped, st.demand_unsnapped_weight += demand.cells[i].weight;
        report_islands(*graph, index, facilities, demand, pos, snapped, options, access_max, st);
        st.snap_seconds = clock.lap();

        progress.report(0.4, "network search");
        clock = Stopwatch();
        SearchWorkspace ws;
        multi_source_search(*graph, sources, max_reach, ws);
        st.edges_relaxed = ws.relaxed;
        st.search_seconds = clock.lap();

        clock = Stopwatch();
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096), [&](const auto& r) {
            for (std::size_t i = r.begin(); i < r.end(); ++i) {
                if (snapped[i] != kSnapped) continue;
                const NetDistance nd = distance_to(*graph, ws, pos[i]);
                if (nd.label == kNoLabel) continue;
                eff[i] = nd.distance + (options.count_access ? pos[i].access * graph->cost_rate(pos[i].edge) : 0.0);
                label[i] = nd.label;
            }
        });
        st.evaluate_seconds = clock.lap();

        if (options.catchments) {
            progress.report(0.6, "catchments");
            clock = Stopwatch();
            detail::network_catchments(*graph, facilities, sources, demand, pos, eff, max_reach, options.count_access,
                                       result.catchments);
            st.catchment_seconds = clock.lap();
        }
    }

    progress.report(0.9, "aggregating");
    Stopwatch clock;
    result.zones.assign(zone_count, {});
    result.covered.assign(n, 0);
    if (options.keep_distances) result.distance.assign(n, std::numeric_limits<float>::infinity());
    for (std::size_t i = 0; i < n; ++i) {
        const auto& c = demand.cells[i];
        auto& z = result.zones[c.zone];
        z.demand += c.weight;
        const bool covered = eff[i] <= max_reach + 1e-9;
        if (covered) {
            z.covered += c.weight;
            result.covered[i] = 1;
            if (options.keep_distances) result.distance[i] = static_cast<float>(eff[i]);
        }
        if (!result.catchments.empty() && covered && label[i] != kNoLabel) result.catchments[label[i]].demand_nearest += c.weight;
    }
    st.aggregate_seconds = clock.lap();
    progress.report(1.0, "done");
    return result;
}

}  // namespace citycheck::spatial
