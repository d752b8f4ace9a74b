#include <citycheck/core/error.hpp>
#include <citycheck/raster/grid.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <gdal_priv.h>

#include <cmath>
#include <sstream>

namespace citycheck::raster {

Grid::Grid(GeoTransform gt, int cols, int rows, spatial::Crs crs)
    : m_gt(gt), m_cols(cols), m_rows(rows), m_crs(std::move(crs)) {}

Grid Grid::from_dataset(GDALDataset& ds) {
    GeoTransform gt{};
    if (ds.GetGeoTransform(gt.data()) != CE_None)
        throw InputError(spatial::with_gdal_reason("raster has no geotransform (not georeferenced)"), {.file = ds.GetDescription()});
    if (gt[2] != 0.0 || gt[4] != 0.0)
        throw InputError("rotated rasters are not supported; warp it north-up first (gdalwarp)",
                         {.file = ds.GetDescription()});
    return Grid(gt, ds.GetRasterXSize(), ds.GetRasterYSize(), spatial::Crs::from_ogr(ds.GetSpatialRef()));
}

spatial::Box Grid::extent() const noexcept {
    const double x0 = m_gt[0], x1 = m_gt[0] + m_cols * m_gt[1];
    const double y0 = m_gt[3], y1 = m_gt[3] + m_rows * m_gt[5];
    return {std::min(x0, x1), std::min(y0, y1), std::max(x0, x1), std::max(y0, y1)};
}

bool Grid::aligned_with(const Grid& other, double tol) const {
    if (m_cols != other.m_cols || m_rows != other.m_rows) return false;
    const double cw = std::abs(m_gt[1]), ch = std::abs(m_gt[5]);
    const double scale[6] = {cw, cw, cw, ch, ch, ch};
    for (int i = 0; i < 6; ++i)
        if (std::abs(m_gt[i] - other.m_gt[i]) > tol * scale[i]) return false;
    if (m_crs.empty() != other.m_crs.empty()) return false;
    return m_crs.empty() || m_crs.same_as(other.m_crs);
}

std::string Grid::describe() const {
    std::ostringstream out;
    out.precision(12);
    out << m_cols << "x" << m_rows << " cells of " << m_gt[1] << "x" << -m_gt[5] << " at (" << m_gt[0] << ", " << m_gt[3]
        << "), " << (m_crs.empty() ? std::string("no CRS") : m_crs.to_user_string());
    return out.str();
}

}  // namespace citycheck::raster
