#include <citycheck/core/error.hpp>
#include <citycheck/raster/raster.hpp>

#include <cmath>

namespace citycheck::raster {

Raster::Raster(std::string path)
    : m_path(std::move(path)), m_handles([p = m_path] { return spatial::open_dataset(p, spatial::DatasetKind::raster); }) {
    auto& ds = *m_handles.local();
    if (ds.GetRasterCount() == 0) throw InputError("the dataset has no raster bands", {.file = m_path});
    m_grid = Grid::from_dataset(ds);
    for (int b = 1; b <= ds.GetRasterCount(); ++b) {
        auto* band = ds.GetRasterBand(b);
        BandInfo info;
        info.index = b;
        int has = 0;
        const double nd = band->GetNoDataValue(&has);
        if (has) info.nodata = nd;
        info.scale = band->GetScale(&has);
        if (!has) info.scale = 1.0;
        info.offset = band->GetOffset(&has);
        if (!has) info.offset = 0.0;
        band->GetBlockSize(&info.block.cols, &info.block.rows);
        info.data_type = GDALGetDataTypeName(band->GetRasterDataType());
        info.description = band->GetDescription();
        const int flags = band->GetMaskFlags();
        info.has_mask_band = !(flags & GMF_ALL_VALID) && !(flags & GMF_NODATA);
        m_bands.push_back(info);
    }
}

const BandInfo& Raster::band(int index) const {
    if (index < 1 || index > band_count())
        throw InputError("band " + std::to_string(index) + " is out of range: the raster has " + std::to_string(band_count()) +
                             " band(s), numbered from 1",
                         {.file = m_path});
    return m_bands[static_cast<std::size_t>(index - 1)];
}

void Raster::read(int band_index, const Window& w, Block& out) const {
    const auto& info = band(band_index);
    if (w.col_off < 0 || w.row_off < 0 || w.col_off + w.cols > m_grid.cols() || w.row_off + w.rows > m_grid.rows())
        throw InternalError("read window outside the raster " + m_path);
    auto& ds = *m_handles.local();
    auto* band = ds.GetRasterBand(band_index);
    const auto n = static_cast<std::size_t>(w.cells());
    out.window = w;
    out.values.resize(n);
    out.valid.assign(n, 1);
    spatial::GdalErrorScope errors;
    if (band->RasterIO(GF_Read, w.col_off, w.row_off, w.cols, w.rows, out.values.data(), w.cols, w.rows, GDT_Float64, 0, 0,
                       nullptr) != CE_None)
        throw InputError("cannot read band " + std::to_string(band_index) + ": " + errors.last_error(), {.file = m_path});
    if (info.has_mask_band) {
        if (band->GetMaskBand()->RasterIO(GF_Read, w.col_off, w.row_off, w.cols, w.rows, out.valid.data(), w.cols, w.rows,
                                          GDT_Byte, 0, 0, nullptr) != CE_None)
            throw InputError("cannot read the mask of band " + std::to_string(band_index) + ": " + errors.last_error(),
                             {.file = m_path});
    }
    // Nodata is compared on the raw value, in the band's own precision (a Float32 nodata of 1e-30
    // read as double must still match).
    std::optional<double> nodata = info.nodata;
    if (nodata && band->GetRasterDataType() == GDT_Float32) nodata = static_cast<double>(static_cast<float>(*nodata));
    const bool scaled = info.scale != 1.0 || info.offset != 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        double& v = out.values[i];
        if (std::isnan(v) || (nodata && v == *nodata)) out.valid[i] = 0;
        if (scaled) v = v * info.scale + info.offset;
    }
}

}  // namespace citycheck::raster
