#pragma once
// A raster grid: geotransform, size and CRS. An immutable value type.
#include <array>
#include <string>

#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/geos.hpp>

class GDALDataset;

namespace citycheck::raster {

// GDAL's affine geotransform: x = gt[0] + col*gt[1] + row*gt[2]; y = gt[3] + col*gt[4] + row*gt[5].
using GeoTransform = std::array<double, 6>;

struct Window {
    int col_off = 0, row_off = 0, cols = 0, rows = 0;
    long long cells() const noexcept { return static_cast<long long>(cols) * rows; }
    bool operator==(const Window&) const = default;
};

class Grid {
  public:
    Grid() = default;
    Grid(GeoTransform gt, int cols, int rows, spatial::Crs crs);
    static Grid from_dataset(GDALDataset& ds);  // throws InputError for rotated grids

    const GeoTransform& transform() const noexcept { return m_gt; }
    int cols() const noexcept { return m_cols; }
    int rows() const noexcept { return m_rows; }
    const spatial::Crs& crs() const noexcept { return m_crs; }
    double cell_width() const noexcept { return m_gt[1]; }
    double cell_height() const noexcept { return -m_gt[5]; }  // positive for north-up grids
    spatial::Box extent() const noexcept;
    double x_of_col(double col) const noexcept { return m_gt[0] + col * m_gt[1]; }
    double y_of_row(double row) const noexcept { return m_gt[3] + row * m_gt[5]; }
    Window full_window() const noexcept { return {0, 0, m_cols, m_rows}; }
    // Same size, same geotransform within tol × cell size, and the same CRS (or both unknown).
    bool aligned_with(const Grid& other, double tol = 1e-6) const;
    // "4000×4000 cells of 10×10 at (500000, 3000000), EPSG:4547" for error messages.
    std::string describe() const;

  private:
    GeoTransform m_gt{0, 1, 0, 0, 0, -1};
    int m_cols = 0;
    int m_rows = 0;
    spatial::Crs m_crs;
};

}  // namespace citycheck::raster
