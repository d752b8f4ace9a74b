#pragma once
// Area of overlap between a polygon and each grid cell it touches. The population code distributes
// counts with these areas, so they must be exact (not pixel-centre tests). polygon_cell_areas is
// the one switch point: it uses the raster module's exact coverage fractions (coverage.hpp); the
// slower GEOS cell-by-cell intersection is kept as an independent cross-check for tests.
#include <cstdint>
#include <vector>

#include <citycheck/raster/grid.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::raster {

struct CellArea {
    std::int64_t cell = 0;  // row * cols + col
    double area = 0;        // overlap area in the grid CRS's units squared (m² for metric grids)
};

// Cells of `grid` that the polygon overlaps with positive area, in ascending cell order. Parts
// of the polygon outside the grid are ignored (callers size the grid to contain their polygons).
std::vector<CellArea> polygon_cell_areas(const spatial::GeosContext& ctx, const GEOSGeometry& polygon,
                                         const Grid& grid);

// The same by GEOS intersection of the polygon with each candidate cell box (slow, independent).
std::vector<CellArea> polygon_cell_areas_geos(const spatial::GeosContext& ctx, const GEOSGeometry& polygon,
                                              const Grid& grid);

// Window of cells whose extent intersects box (clipped to the grid; may be empty).
Window cells_touching(const Grid& grid, const spatial::Box& box);

}  // namespace citycheck::raster
