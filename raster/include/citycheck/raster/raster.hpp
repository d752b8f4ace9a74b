#pragma once
// A raster file opened once for metadata, read through one GDAL handle per worker thread.
// Reads return doubles with scale/offset applied and a validity mask honouring nodata, NaN and
// GDAL mask bands. Safe to call read() from many threads at once.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <citycheck/core/per_thread.hpp>
#include <citycheck/raster/block_plan.hpp>
#include <citycheck/raster/grid.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace citycheck::raster {

struct BandInfo {
    int index = 1;                  // 1-based
    std::optional<double> nodata;   // raw value marking missing data
    double scale = 1.0, offset = 0.0;
    BlockSize block;
    std::string data_type;          // GDAL name, e.g. "Float32"
    std::string description;        // band description (e.g. "B4"), may be empty
    bool has_mask_band = false;     // a per-dataset or alpha mask to honour
};

// Values of one band over a window: values[i] valid only where valid[i] != 0.
struct Block {
    Window window;
    std::vector<double> values;
    std::vector<std::uint8_t> valid;
};

class Raster {
  public:
    // Opens path (throws InputError naming it). A raster without geotransform is an error;
    // a raster without CRS is accepted here and rejected by the operations that need one.
    explicit Raster(std::string path);
    Raster(const Raster&) = delete;
    Raster& operator=(const Raster&) = delete;

    const std::string& path() const noexcept { return m_path; }
    const Grid& grid() const noexcept { return m_grid; }
    int band_count() const noexcept { return static_cast<int>(m_bands.size()); }
    const BandInfo& band(int index) const;  // throws InputError when out of range
    void check_band(int index) const { (void)band(index); }

    // Reads band over window (inside the grid) on the calling thread's handle.
    void read(int band, const Window& window, Block& out) const;

  private:
    std::string m_path;
    Grid m_grid;
    std::vector<BandInfo> m_bands;
    mutable PerThread<spatial::DatasetPtr> m_handles;
};

}  // namespace citycheck::raster
