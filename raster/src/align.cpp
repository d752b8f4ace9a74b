#include <citycheck/core/error.hpp>
#include <citycheck/raster/align.hpp>

#include <fmt/format.h>
#include <gdal_utils.h>

#include <atomic>

namespace citycheck::raster {

namespace {
struct OptionList {
    std::vector<std::string> items;
    std::vector<char*> argv() {
        std::vector<char*> out;
        for (auto& s : items) out.push_back(s.data());
        out.push_back(nullptr);
        return out;
    }
};
}  // namespace

std::unique_ptr<Raster> align_to_grid(const Raster& source, int band, const Grid& grid, const std::string& resampling) {
    source.check_band(band);
    static std::atomic<int> counter{0};
    const int n = counter++;
    const std::string vrt = "/vsimem/citycheck_align_" + std::to_string(n) + ".vrt";
    const std::string out = "/vsimem/citycheck_align_" + std::to_string(n) + ".tif";
    spatial::GdalErrorScope errors;
    auto src = spatial::open_dataset(source.path(), spatial::DatasetKind::raster);
    OptionList t{{"-of", "VRT", "-b", std::to_string(band)}};
    auto targv = t.argv();
    auto* topts = GDALTranslateOptionsNew(targv.data(), nullptr);
    GDALDatasetH v = GDALTranslate(vrt.c_str(), GDALDataset::ToHandle(src.get()), topts, nullptr);
    GDALTranslateOptionsFree(topts);
    if (!v) throw InputError("cannot select band for resampling: " + errors.last_error(), {.file = source.path()});
    const auto ext = grid.extent();
    OptionList w{{"-of", "GTiff", "-r", resampling, "-te", fmt::format("{}", ext.xmin), fmt::format("{}", ext.ymin),
                  fmt::format("{}", ext.xmax), fmt::format("{}", ext.ymax), "-ts", std::to_string(grid.cols()),
                  std::to_string(grid.rows()), "-ot", "Float64"}};
    if (!grid.crs().empty()) {
        w.items.push_back("-t_srs");
        w.items.push_back(grid.crs().to_wkt());
    }
    auto wargv = w.argv();
    auto* wopts = GDALWarpAppOptionsNew(wargv.data(), nullptr);
    int usage_error = 0;
    GDALDatasetH d = GDALWarp(out.c_str(), nullptr, 1, &v, wopts, &usage_error);
    GDALWarpAppOptionsFree(wopts);
    GDALClose(v);
    VSIUnlink(vrt.c_str());
    if (!d) throw InputError("cannot resample onto the value raster's grid: " + errors.last_error(), {.file = source.path()});
    // Force the exact geotransform: -te/-ts through text may round in the last digit.
    auto g = grid.transform();
    GDALSetGeoTransform(d, g.data());
    GDALClose(d);
    return std::make_unique<Raster>(out);
}

}  // namespace citycheck::raster
