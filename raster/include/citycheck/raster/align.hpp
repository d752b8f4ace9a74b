#pragma once
// Explicit resampling of one raster band onto another grid (only when the user asks: --align).
// A raster is never resampled silently.
#include <memory>
#include <string>

#include <citycheck/raster/raster.hpp>

namespace citycheck::raster {

// Warps band of source onto grid (CRS, extent, cell size) with the given GDAL resampling method
// ("average" keeps densities, "sum" keeps counts, "near" keeps classes) into an in-memory GeoTIFF
// (/vsimem/, single band) and opens it. Throws InputError when GDAL cannot warp.
std::unique_ptr<Raster> align_to_grid(const Raster& source, int band, const Grid& grid, const std::string& resampling = "average");

}  // namespace citycheck::raster
