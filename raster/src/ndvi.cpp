#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/raster/ndvi.hpp>

#include <tbb/parallel_pipeline.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <atomic>

namespace citycheck::raster {

NdviBands sensor_bands(std::string_view sensor) {
    if (sensor == "sentinel2" || sensor == "s2") return {4, 8};
    if (sensor == "landsat8" || sensor == "landsat9" || sensor == "l8" || sensor == "l9") return {4, 5};
    if (sensor == "gf2" || sensor == "gf1" || sensor == "gf6") return {3, 4};
    throw UsageError("unknown sensor '" + std::string(sensor) + "': use sentinel2, landsat8, landsat9, gf1 or gf2, or give --red and --nir");
}

NdviSource::NdviSource(const Raster& image, NdviBands bands) : m_image(image), m_bands(bands) {
    image.check_band(bands.red);
    image.check_band(bands.nir);
}

void NdviSource::read(const Window& w, Block& out) const {
    thread_local Block nir;
    m_image.read(m_bands.red, w, out);
    m_image.read(m_bands.nir, w, nir);
    for (std::size_t i = 0; i < out.values.size(); ++i) {
        const double r = out.values[i], n = nir.values[i];
        const double d = n + r;
        if (!out.valid[i] || !nir.valid[i] || d == 0) {
            out.valid[i] = 0;
            out.values[i] = NDVI_NODATA;
            continue;
        }
        out.values[i] = (n - r) / d;
    }
}

void write_ndvi(const Raster& image, NdviBands bands, const std::string& out_path, const NdviWriteOptions& options,
                const Progress& progress) {
    const NdviSource source(image, bands);
    const Grid& grid = image.grid();
    AtomicOutput output(out_path);
    char** co = nullptr;
    co = CSLSetNameValue(co, "TILED", "YES");
    co = CSLSetNameValue(co, "BLOCKXSIZE", std::to_string(options.tile).c_str());
    co = CSLSetNameValue(co, "BLOCKYSIZE", std::to_string(options.tile).c_str());
    co = CSLSetNameValue(co, "COMPRESS", "DEFLATE");
    co = CSLSetNameValue(co, "PREDICTOR", "3");
    co = CSLSetNameValue(co, "BIGTIFF", "IF_SAFER");
    spatial::GdalErrorScope errors;
    GDALDatasetUniquePtr ds(spatial::driver("GTiff").Create(output.temp_path().c_str(), grid.cols(), grid.rows(), 1, GDT_Float32, co));
    CSLDestroy(co);
    if (!ds) throw OutputError("cannot create the NDVI file: " + errors.last_error(), {.file = out_path});
    auto gt = grid.transform();
    ds->SetGeoTransform(gt.data());
    if (!grid.crs().empty()) ds->SetSpatialRef(grid.crs().ogr());
    auto* band = ds->GetRasterBand(1);
    band->SetNoDataValue(NDVI_NODATA);
    band->SetDescription("NDVI");

    // Windows aligned to the output tiles, so each tile is written once and whole.
    const BlockPlan plan(grid.cols(), grid.rows(), {options.tile, options.tile}, options.max_cells, {0, 0, -1, -1},
                         4 * tbb::this_task_arena::max_concurrency());
    const auto& windows = plan.windows();
    ProgressCounter counter(progress, windows.size(), "NDVI");
    std::size_t next = 0;
    struct Item {
        std::size_t index;
        Block block;
        std::vector<float> out;
    };
    const auto tokens = static_cast<std::size_t>(2 * tbb::this_task_arena::max_concurrency());
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, std::shared_ptr<Item>>(tbb::filter_mode::serial_in_order,
                                                      [&](tbb::flow_control& fc) -> std::shared_ptr<Item> {
                                                          if (next >= windows.size()) {
                                                              fc.stop();
                                                              return nullptr;
                                                          }
                                                          auto item = std::make_shared<Item>();
                                                          item->index = next++;
                                                          return item;
                                                      }) &
            tbb::make_filter<std::shared_ptr<Item>, std::shared_ptr<Item>>(
                tbb::filter_mode::parallel,
                [&](std::shared_ptr<Item> item) {
                    source.read(windows[item->index], item->block);
                    item->out.resize(item->block.values.size());
                    for (std::size_t i = 0; i < item->out.size(); ++i)
                        item->out[i] = static_cast<float>(item->block.valid[i] ? item->block.values[i] : NDVI_NODATA);
                    return item;
                }) &
            tbb::make_filter<std::shared_ptr<Item>, void>(tbb::filter_mode::serial_in_order, [&](std::shared_ptr<Item> item) {
                const auto& w = windows[item->index];
                spatial::GdalErrorScope write_errors;
                if (band->RasterIO(GF_Write, w.col_off, w.row_off, w.cols, w.rows, item->out.data(), w.cols, w.rows, GDT_Float32,
                                   0, 0, nullptr) != CE_None)
                    throw OutputError("cannot write NDVI: " + write_errors.last_error(), {.file = out_path});
                counter.step();
            }));
    ds->FlushCache(true);
    ds.reset();  // closes the file; GDAL 3.6 reports close failures only through the error handler
    if (!errors.last_error().empty()) throw OutputError("cannot finish the NDVI file: " + errors.last_error(), {.file = out_path});
    output.commit();
}

}  // namespace citycheck::raster
