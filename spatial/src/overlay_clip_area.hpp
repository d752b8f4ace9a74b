#pragma once
// The area of parcel ∩ zone without building the intersection geometry (private to the overlay).
//
// By Green's theorem the area of P ∩ Q is ½∮(x dy − y dx) over its boundary, and that boundary is
// made of the pieces of ∂P inside Q and the pieces of ∂Q inside P (rings oriented with the interior
// on the left). So it suffices to find where the two boundaries cross, split the edges there and
// sum the cross products of the inside pieces. This is exact up to rounding when every crossing is
// proper; when a vertex lies on (or within CLIP_TOLERANCE_M of) the other boundary, e.g. a parcel
// edge running along the zone boundary, the answer is "degenerate" and the caller clips with GEOS.
#include <citycheck/spatial/geos.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace citycheck::spatial::detail {

// Distance (m) under which a vertex counts as lying on the other boundary.
constexpr double CLIP_TOLERANCE_M = 1e-7;

struct XY {
    double x = 0, y = 0;
};

// The rings of a polygon or multipolygon, without the closing point, oriented with the interior on
// the left (exteriors counter-clockwise, holes clockwise).
struct Rings {
    std::vector<XY> pts;
    std::vector<std::uint32_t> start;  // ring r is pts[start[r], start[r + 1])
    Box box;

    std::size_t ring_count() const noexcept { return start.empty() ? 0 : start.size() - 1; }
};

// Parses ISO/OGC WKB (either byte order, 2D/Z/M/ZM) of a Polygon or MultiPolygon into out.
// Returns false for anything else (the caller falls back to GEOS).
bool parse_polygonal_wkb(std::span<const unsigned char> wkb, Rings& out);

// The box of segment a–b, grown by pad.
inline Box segment_box(XY a, XY b, double pad = 0) noexcept {
    return {std::min(a.x, b.x) - pad, std::min(a.y, b.y) - pad, std::max(a.x, b.x) + pad, std::max(a.y, b.y) + pad};
}

// Crossing number of p against rings, half-open in y: 1 inside, 0 outside; -1 when p lies within
// tol of a ring.
int locate_in_rings(XY p, const Rings& rings, double tol);

struct ClipArea {
    double area = 0;     // planar, m²
    bool whole = false;  // the boundaries do not cross and the parcel lies inside the zone
};

// Reused buffers of one worker thread.
struct ClipScratch {
    std::vector<std::uint32_t> segments;  // candidate zone segments near the parcel
    std::vector<std::uint32_t> ray;       // zone segments along a point-in-polygon ray
    std::vector<std::uint32_t> stamp;     // per zone segment: last query that saw it
    std::uint32_t query = 0;
    struct Hit {
        std::uint32_t edge;  // index of the edge's start in its own point array (P) or candidate index (Q)
        double t;            // parameter along the edge
        bool entering;       // the edge enters the other polygon here
    };
    std::vector<Hit> p_hits, q_hits;
};

// A zone's boundary, its segments binned in a uniform grid, for clipping many small parcels.
class ZoneBoundary {
  public:
    explicit ZoneBoundary(Rings rings);

    const Box& box() const noexcept { return m_rings.box; }
    // The area of parcel ∩ zone, or nullopt when the configuration is degenerate (see above).
    std::optional<ClipArea> clip_area(const Rings& parcel, ClipScratch& scratch) const;
    // Where a box lies when no part of the boundary comes within the tolerance of it: 1 inside, 0
    // outside; -1 when the boundary comes that near. A parcel's box then says where the whole parcel
    // lies, without its geometry: no boundary crosses the box, so it is all on one side.
    int box_side(const Box& b, ClipScratch& scratch) const;

  private:
    // 1 inside, 0 outside, -1 on the boundary (within the tolerance).
    int locate(XY p, ClipScratch& scratch) const;
    void candidates(const Box& b, ClipScratch& scratch, std::vector<std::uint32_t>& out) const;
    bool any_segment_near(const Box& b) const;  // some segment's box meets b
    // visit(s) for the segments whose box meets b, from the cells b meets (a segment binned into
    // several of them comes more than once), until visit returns true; true if it did.
    template <class Visit>
    bool visit_segments_meeting(const Box& b, Visit&& visit) const;
    int col(double x) const noexcept;
    int row(double y) const noexcept;
    XY seg_start(std::uint32_t s) const noexcept { return m_rings.pts[s]; }
    XY seg_end(std::uint32_t s) const noexcept { return m_rings.pts[m_next[s]]; }

    Rings m_rings;
    std::vector<std::uint32_t> m_next;  // per point: the next point of its ring (segment s = pts[s] → pts[next[s]])
    double m_x0 = 0, m_y0 = 0, m_cell = 1;
    int m_nx = 1, m_ny = 1;
    std::vector<std::uint32_t> m_cell_start, m_cell_segments;  // CSR: cell → segments
    // Per cell without segments: 1 inside, 0 outside (no boundary passes through it, so all of it
    // lies on one side); -1 for cells with segments.
    std::vector<std::int8_t> m_cell_side;
};

// A polygon that is clearly valid without asking GEOS: one ring, at most QUICK_RING_MAX_POINTS
// points, no repeated points, no two edges meeting except neighbours at their shared vertex, and
// no vertex within a relative 1e-9 of another edge's line near it. Anything else (holes, parts,
// long rings, near-touching edges, self-intersections) returns nullopt and goes to GEOS.
constexpr std::size_t QUICK_RING_MAX_POINTS = 64;

struct QuickPolygon {
    double area = 0;  // planar, m²
    Box box;
};

std::optional<QuickPolygon> quick_simple_polygon(std::span<const unsigned char> wkb, Rings& scratch);

}  // namespace citycheck::spatial::detail
