#pragma once
// Small planar geometry used by the network and coverage code: points, polylines and polygon sets in
// a metric CRS, with even-odd point-in-polygon, distance to a polygon and scanline cell filling.
// Kept free of GEOS so that hot loops (millions of demand cells) need no per-thread context.
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include <citycheck/spatial/geos.hpp>

namespace citycheck::spatial {

struct Pt {
    double x = 0, y = 0;
    bool operator==(const Pt&) const = default;
};

using Ring = std::vector<Pt>;  // closed or not; the closing segment is implied

// One polygon or multipolygon as a set of rings, interpreted with the even-odd rule (holes and
// several parts need no bookkeeping). Area is computed per part (outer minus its holes).
struct PolygonSet {
    std::vector<Ring> rings;
    std::vector<std::size_t> part_begin;  // index of each part's outer ring in rings
    double area() const;
    Box envelope() const;
    bool contains(Pt p) const;                 // even-odd; boundary points may go either way
    double boundary_distance(Pt p) const;      // distance to the nearest ring segment
    double distance(Pt p) const { return contains(p) ? 0.0 : boundary_distance(p); }
    double perimeter() const;
};

double segment_distance(Pt p, Pt a, Pt b, double* t = nullptr);  // t: parameter of the foot in [0,1]
double polyline_length(std::span<const Pt> pts);

// Cells of a north-up grid (origin x0,y0 at the top-left corner, square cells of size `cell`, `cols`
// × `rows`) whose centres fall inside the polygon set, reported row by row as [col_begin, col_end).
void scan_fill(const PolygonSet& poly, double x0, double y0, double cell, int cols, int rows,
               const std::function<void(int row, int col_begin, int col_end)>& emit);

// A valid GEOS MultiPolygon of the set (made valid when needed), for overlay work.
GeomPtr to_geos(const GeosContext& ctx, const PolygonSet& poly);

}  // namespace citycheck::spatial
