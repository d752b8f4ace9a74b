#pragma once
// NDVI = (NIR − Red) / (NIR + Red), from two bands of one image or of two images on the same grid.
// Nodata in either band, or a zero denominator, gives nodata. Scale/offset of each band are
// applied first (reflectance products such as Sentinel-2 L2A carry them).
#include <optional>
#include <string>
#include <string_view>

#include <citycheck/core/progress.hpp>
#include <citycheck/raster/zonal.hpp>

namespace citycheck::raster {

struct NdviBands {
    int red = 0, nir = 0;
};

// Band numbers of common sensors' multiband stacks (band order as delivered):
//   sentinel2: B4 red, B8 NIR → bands 4 and 8 of a B1…B12 stack;
//   landsat8/landsat9: B4 red, B5 NIR; gf1/gf2: B3 red, B4 NIR (PMS multispectral B1–B4).
// Throws UsageError for an unknown name.
NdviBands sensor_bands(std::string_view sensor);

// Computes NDVI window by window, as a ValueSource (used by green coverage without writing a file).
class NdviSource : public ValueSource {
  public:
    NdviSource(const Raster& image, NdviBands bands);  // throws InputError for bands out of range
    const Grid& grid() const override { return m_image.grid(); }
    BlockSize native_block() const override { return m_image.band(m_bands.red).block; }
    std::string name() const override { return "ndvi"; }
    void read(const Window& w, Block& out) const override;

  private:
    const Raster& m_image;
    NdviBands m_bands;
};

constexpr double NDVI_NODATA = -9999.0;

struct NdviWriteOptions {
    long long max_cells = DEFAULT_MAX_CELLS;
    int tile = 256;
};

// Writes a tiled, DEFLATE-compressed Float32 GeoTIFF (nodata -9999) through AtomicOutput.
// Parallel over windows; writes happen in window order, so the file is the same for any thread count.
void write_ndvi(const Raster& image, NdviBands bands, const std::string& out_path, const NdviWriteOptions& options = {},
                const Progress& progress = {});

}  // namespace citycheck::raster
