#pragma once
// Road network: lines read from OSM or any line layer, noded into an immutable CSR graph whose
// edges keep their geometry (metres, in a metric CRS) so that positions along edges can be used.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/mode_profile.hpp>
#include <citycheck/spatial/planar.hpp>

namespace citycheck::spatial {

struct RoadLine {
    std::vector<Pt> pts;
    std::string cls;       // highway(-like) class
    int layer = 0;         // OSM layer tag
    bool bridge = false;
    bool tunnel = false;
    int oneway = 0;        // +1 forward only, -1 backward only, 0 both (already per profile)
};

struct RoadLines {
    std::vector<RoadLine> lines;
    Crs crs;               // metric CRS of pts
    std::size_t features_read = 0;
    std::size_t features_kept = 0;
};

struct RoadReadOptions {
    std::string mode = "walk";      // profile name (walk, bike, drive, all)
    std::string layer;              // default: "lines" for OSM files, else the first layer
    std::string class_field;        // default: "highway"
    std::string class_mapping;      // file mapping class_field values to highway classes
    std::string where;              // OGR attribute filter
    Crs target;                     // empty: metric_crs_for the data's centre (or the data's own metric CRS)
};

bool is_osm_path(const std::string& path);

// Reads a road layer, filters it by the mode profile, and projects it to a metric CRS.
RoadLines read_road_lines(const std::string& path, const RoadReadOptions& options);

// A metric CRS for data in `source` CRS around `centre` (source coordinates): the source itself when it
// is projected in metres, else metric_crs_for the centre's lon/lat.
Crs analysis_crs_for(const Crs& source, Pt centre);

struct GraphBuildOptions {
    double tolerance = 0.01;        // metres: vertices closer than this (on a grid of this size) are one node
    bool split_crossings = false;   // node proper crossings of segments (data without shared vertices)
};

struct GraphEdge {
    std::uint32_t from = 0, to = 0;
    double length = 0;
    std::uint32_t geom_begin = 0, geom_end = 0;  // [begin, end) into vertex arrays
    std::uint16_t cls = 0;
    std::uint8_t dir = 3;           // bit 0: from→to allowed, bit 1: to→from allowed
};

class RoadGraph {
  public:
    std::size_t node_count() const noexcept { return m_offsets.empty() ? 0 : m_offsets.size() - 1; }
    std::size_t edge_count() const noexcept { return m_edges.size(); }
    std::size_t arc_count() const noexcept { return m_arcs.size(); }

    const GraphEdge& edge(std::uint32_t e) const { return m_edges[e]; }
    std::span<const GraphEdge> edges() const noexcept { return m_edges; }
    Pt node_point(std::uint32_t n) const { return m_node_pts[n]; }
    // Whether every vertex joined into a node lies exactly at the node's point. Vertices within the
    // tolerance but apart are joined too; a path then jumps that gap at the node, so a network
    // distance can be (by up to the tolerance per node) shorter than the straight line.
    bool nodes_are_exact() const noexcept { return m_nodes_exact; }
    // One directed arc; cost, target and edge side by side, so relaxing an arc reads one cache line.
    struct Arc {
        double cost;
        std::uint32_t target, edge;
    };
    // Arcs leaving node n: indices into arcs().
    std::uint32_t arcs_begin(std::uint32_t n) const { return m_offsets[n]; }
    std::uint32_t arcs_end(std::uint32_t n) const { return m_offsets[n + 1]; }
    std::uint32_t arc_target(std::uint32_t a) const { return m_arcs[a].target; }
    std::uint32_t arc_edge(std::uint32_t a) const { return m_arcs[a].edge; }
    double arc_cost(std::uint32_t a) const { return m_arcs[a].cost; }
    const Arc* arcs() const noexcept { return m_arcs.data(); }  // for tight loops
    const std::uint32_t* arc_offsets() const noexcept { return m_offsets.data(); }  // node → first arc; node_count() + 1 entries
    std::size_t degree(std::uint32_t n) const { return m_degree[n]; }  // undirected, self-loops twice

    std::span<const Pt> edge_geometry(std::uint32_t e) const {
        return {m_vertices.data() + m_edges[e].geom_begin, m_edges[e].geom_end - m_edges[e].geom_begin};
    }
    // Distance along the edge from `from` to vertex k of its geometry.
    double vertex_offset(std::uint32_t e, std::uint32_t k) const { return m_vertex_cum[m_edges[e].geom_begin + k]; }
    Pt point_at(std::uint32_t e, double offset) const;

    const std::vector<std::string>& class_names() const noexcept { return m_class_names; }
    const Crs& crs() const noexcept { return m_crs; }

    // Weakly connected components: id per node, ordered by size (0 = largest, ties by lowest node).
    std::uint32_t component(std::uint32_t node) const { return m_component[node]; }
    std::size_t component_count() const noexcept { return m_component_sizes.size(); }
    std::span<const std::size_t> component_sizes() const noexcept { return m_component_sizes; }
    std::uint32_t edge_component(std::uint32_t e) const { return m_component[m_edges[e].from]; }

    // Replaces arc costs (e.g. travel time from lengths and per-class speeds); index by edge. A
    // position part-way along an edge then costs its share of the edge: offset × cost_rate(e).
    void set_costs_by_edge(const std::vector<double>& cost_per_edge);
    // Cost per metre of edge e: 1 while costs are lengths; else its cost / its length.
    double cost_rate(std::uint32_t e) const { return m_cost_rate.empty() ? 1.0 : m_cost_rate[e]; }
    // The smallest cost per metre over all edges (1 for lengths): how far a cost budget can go.
    double min_cost_rate() const noexcept { return m_min_cost_rate; }
    bool costs_are_lengths() const noexcept { return m_cost_rate.empty(); }

  private:
    friend RoadGraph build_road_graph(const RoadLines&, const GraphBuildOptions&);
    std::vector<std::uint32_t> m_offsets;
    std::vector<Arc> m_arcs;
    std::vector<double> m_cost_rate;  // per edge; empty while costs are lengths
    double m_min_cost_rate = 1.0;
    std::vector<std::uint32_t> m_degree;
    std::vector<GraphEdge> m_edges;
    std::vector<Pt> m_node_pts;
    bool m_nodes_exact = true;
    std::vector<Pt> m_vertices;
    std::vector<double> m_vertex_cum;
    std::vector<std::string> m_class_names;
    std::vector<std::uint32_t> m_component;
    std::vector<std::size_t> m_component_sizes;
    Crs m_crs;
};

RoadGraph build_road_graph(const RoadLines& lines, const GraphBuildOptions& options = {});

// Diagnostics for `citycheck network-info`.
struct NetworkSummary {
    std::size_t lines = 0, nodes = 0, edges = 0, arcs = 0, components = 0;
    std::size_t largest_component_nodes = 0;
    double largest_component_share = 0;     // of nodes
    double total_length_m = 0;
    double largest_component_length_share = 0;
    std::vector<std::pair<std::string, double>> length_by_class_m;  // descending length
    std::size_t intersections = 0;          // nodes of degree >= 3
    std::size_t dead_ends = 0;              // nodes of degree 1
};
NetworkSummary summarize(const RoadGraph& graph);

}  // namespace citycheck::spatial
