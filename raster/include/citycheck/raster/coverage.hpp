#pragma once
// Exact polygon × grid coverage: for every cell of a grid, the share of the cell covered by a
// polygon or multipolygon (holes, parts outside the grid, slivers, sub-cell polygons, vertices on
// cell edges). Method in docs/methods/exact-coverage.md: each ring is walked through the cells it
// crosses; every piece of edge inside one cell adds its exact trapezoid area to that cell and a
// carry to the cells to its right (Green's theorem); a prefix sum along each row fills the
// interior. The result is exact up to floating-point rounding: Σ fraction × cell area equals the
// area of the polygon's part inside the grid.
//
// Thread-safety: pure functions; pass the calling thread's GeosContext.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <citycheck/raster/grid.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::raster {

// How a cell counts towards a polygon:
//   fractional  – the exact covered share of the cell, in [0, 1] (default);
//   center      – 1 when the cell centre lies inside the polygon, else 0 (GDAL rasterize rule);
//   all_touched – 1 when the polygon's interior or boundary touches the cell, else 0.
enum class CoverageMode { fractional, center, all_touched };

// Parses "fractional", "center", "all-touched"/"all_touched"; throws UsageError otherwise.
CoverageMode parse_coverage_mode(std::string_view text);
std::string_view to_string(CoverageMode mode) noexcept;

// The coverage of one polygon on the part of a grid it touches.
// fractions is row-major over window (window.rows × window.cols); cells outside window are 0.
struct Coverage {
    Window window;                // grid cells (col_off, row_off, cols, rows); empty if no overlap
    std::vector<double> fractions;

    bool empty() const noexcept { return window.cells() == 0; }
    // Fraction at grid cell (col, row); 0 outside the window.
    double at(int col, int row) const noexcept {
        const int c = col - window.col_off, r = row - window.row_off;
        if (c < 0 || r < 0 || c >= window.cols || r >= window.rows) return 0.0;
        return fractions[static_cast<std::size_t>(r) * window.cols + c];
    }
    double sum() const noexcept;  // Σ fractions, in cells (× cell area = covered area)
};

// The window of grid cells the envelope b touches, clipped to the grid (empty when disjoint).
Window window_for_box(const Grid& grid, const spatial::Box& b);

// Coverage of geometry (Polygon, MultiPolygon, or a GeometryCollection whose polygonal parts are
// used; other types contribute nothing) on grid, in the grid's CRS. If clip is given, only that
// window of the grid is computed (for zones larger than the memory budget). The geometry should be
// valid (overlapping parts would be counted twice; fractions are clamped to [0, 1]).
Coverage compute_coverage(const Grid& grid, const GEOSGeometry& geometry, const spatial::GeosContext& ctx,
                          CoverageMode mode = CoverageMode::fractional,
                          std::optional<Window> clip = std::nullopt);

// The same from WKB (the form in which geometries cross threads).
Coverage compute_coverage(const Grid& grid, std::span<const unsigned char> wkb, const spatial::GeosContext& ctx,
                          CoverageMode mode = CoverageMode::fractional,
                          std::optional<Window> clip = std::nullopt);

// Lower-level entry: rings in grid coordinates are not exposed; this one takes polygon rings as
// flat x,y coordinate arrays in the grid's CRS (first ring of each polygon = exterior, the rest
// holes; closed or not). Used by the GEOS overloads and usable without GEOS.
struct PolygonRings {
    std::vector<std::vector<double>> rings;  // each ring: x0,y0,x1,y1,...
};
Coverage compute_coverage(const Grid& grid, std::span<const PolygonRings> polygons,
                          CoverageMode mode = CoverageMode::fractional,
                          std::optional<Window> clip = std::nullopt);

// Extracts the polygonal parts of a GEOS geometry as PolygonRings.
std::vector<PolygonRings> polygon_rings(const GEOSGeometry& geometry, const spatial::GeosContext& ctx);

}  // namespace citycheck::raster
