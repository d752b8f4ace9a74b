#pragma once
// Area of the cells of a grid in m², per row: constant for projected grids (cell width × height ×
// unit²), ellipsoidal for geographic grids (the closed-form area of the ellipsoid between two
// parallels and two meridians, on the CRS's own ellipsoid: no spherical approximation).
#include <vector>

#include <citycheck/raster/grid.hpp>

namespace citycheck::raster {

// One value per grid row. Throws InputError when the grid has no CRS.
std::vector<double> cell_areas_m2(const Grid& grid);

}  // namespace citycheck::raster
