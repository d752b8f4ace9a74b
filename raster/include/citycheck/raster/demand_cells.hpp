#pragma once
// Exact coverage fractions (coverage.hpp) as the demand discretiser of spatial::coverage, which
// cannot depend on the raster module itself.
#include <citycheck/spatial/coverage.hpp>

namespace citycheck::raster {

// Emits every demand-grid cell a polygon covers with its exact covered fraction.
spatial::CellDiscretiser exact_cell_discretiser();

}  // namespace citycheck::raster
