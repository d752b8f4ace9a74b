#pragma once
// Snapping to edges and multi-source shortest paths with a cut-off on a RoadGraph, with exact
// positions along edges: a point's network distance is taken from where it sits on its edge.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <citycheck/core/uninitialized_vector.hpp>
#include <citycheck/spatial/road_graph.hpp>

namespace citycheck::spatial {

inline constexpr double kUnreached = std::numeric_limits<double>::infinity();
inline constexpr std::uint32_t kNoLabel = UINT32_MAX;

struct EdgePosition {
    std::uint32_t edge = UINT32_MAX;
    double offset = 0;     // metres from the edge's `from` node along its geometry
    double access = 0;     // straight distance from the original point to this position (the leg)
    Pt point;              // the snapped point
    bool valid() const noexcept { return edge != UINT32_MAX; }
};

// A uniform grid over edge segments for nearest-edge queries.
class EdgeIndex {
  public:
    // cell_size <= 0 picks one from the edge density. Indexes edges for which `usable(edge)` is true (all when empty), e.g. the largest component.
    // Built in parallel: `usable` is called from several threads at once.
    EdgeIndex(const RoadGraph& graph, double cell_size, const std::function<bool(std::uint32_t)>& usable = {});
    // The nearest usable edge within max_distance (nullopt if none). Ties go to the lower edge id,
    // then the lower segment: the answer does not depend on the order segments are examined in.
    std::optional<EdgePosition> nearest(Pt p, double max_distance) const;
    // Whether nearest(p, max_distance) would find an edge, stopping at the first one it meets.
    bool any_within(Pt p, double max_distance) const;
    // Every point where a usable edge passes within `distance` of segment a–b: one position per edge
    // (the closest point of the edge to the segment, approximated at segment vertices and crossings).
    void edges_near_segment(Pt a, Pt b, double distance, std::vector<EdgePosition>& out) const;

  private:
    const RoadGraph& m_graph;
    double m_cell;
    double m_x0 = 0, m_y0 = 0;
    long long m_cols = 0, m_rows = 0;
    std::vector<std::uint32_t> m_cell_begin;                   // CSR over cells
    std::vector<std::uint8_t> m_empty_rings;                   // per cell: rings around it without segments (≤ 255)
    // A segment with its coordinates inline, so that a query reads one array, not the graph's.
    struct Item {
        Pt a, b;
        double inv_len2;  // 1 / |b - a|², 0 for a zero-length segment: no division per query
        std::uint32_t edge, seg;
    };
    UninitializedVector<Item> m_items;  // filled in parallel right after sizing
    void cell_range(double xmin, double ymin, double xmax, double ymax, long long& c0, long long& r0, long long& c1,
                    long long& r1) const;
    // Calls visit(item) for the segments in rings of cells around p, outward, until the rings left
    // are all farther than sqrt(bound2()) (which may shrink as it goes) or visit returns true.
    template <class Bound, class Visit>
    void walk_rings(Pt p, double max_distance, Bound&& bound2, Visit&& visit) const;
};

// A network origin: a position on an edge with a starting cost in the graph's cost unit (e.g. the
// access leg, or max_reach - own_reach for tiered reach) and a label (facility index).
struct Source {
    EdgePosition position;
    double initial = 0;
    std::uint32_t label = 0;
};

// Reusable per-thread buffers; reset cost is proportional to what the last search touched.
class SearchWorkspace {
  public:
    void prepare(std::size_t nodes);
    double distance(std::uint32_t node) const { return m_state[node].dist; }
    std::uint32_t label(std::uint32_t node) const { return m_state[node].label; }
    std::span<const std::uint32_t> touched() const noexcept { return m_touched; }
    std::uint64_t relaxed = 0;  // arcs examined by the last search
    struct HeapEntry {           // a distance's bit pattern (ordered like the distance) and a node
        std::uint64_t key;
        std::uint32_t node;
    };

  private:
    friend void multi_source_search(const RoadGraph&, std::span<const Source>, double, SearchWorkspace&);
    friend struct NetDistance distance_to(const RoadGraph&, const SearchWorkspace&, const EdgePosition&);
    struct NodeState {  // together: one cache line read per relaxed arc, not two
        double dist;
        std::uint32_t label;
    };
    std::vector<NodeState> m_state;
    std::vector<std::uint32_t> m_touched;
    std::vector<HeapEntry> m_heap;
    std::vector<Source> m_sources_by_edge;  // for same-edge distances
};

// Dijkstra from all sources at once (4-ary heap, lazy deletion), stopping beyond `cutoff`.
void multi_source_search(const RoadGraph& graph, std::span<const Source> sources, double cutoff, SearchWorkspace& ws);

struct NetDistance {
    double distance = kUnreached;
    std::uint32_t label = kNoLabel;
};

// Network distance from the nearest source to a position, after multi_source_search: the minimum
// over the edge's two ends of dist(end) + the way along the edge, and over sources on the same edge.
// Costs are the graph's arc costs (lengths, or travel times after set_costs_by_edge); a part of
// an edge costs its length × cost_rate(edge).
NetDistance distance_to(const RoadGraph& graph, const SearchWorkspace& ws, const EdgePosition& p);

}  // namespace citycheck::spatial
