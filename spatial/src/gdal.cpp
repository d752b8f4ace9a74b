#include <citycheck/core/error.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include <cpl_string.h>

namespace citycheck::spatial {

GdalEnvironment::GdalEnvironment() { ensure(); }

void GdalEnvironment::ensure() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // Parallelism is ours (TBB); keep GDAL from spawning its own decoder threads per handle.
        CPLSetConfigOption("GDAL_NUM_THREADS", "1");
        // Rasters are streamed block by block and every block is read once, so GDAL's block cache
        // only needs the blocks of the windows in flight. Its default (5 % of RAM) would let the
        // resident memory grow with the machine, not the window budget. GDAL_CACHEMAX still wins.
        if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(DEFAULT_GDAL_CACHE_BYTES);
    });
}

GdalErrorScope::GdalErrorScope() { CPLPushErrorHandlerEx(&GdalErrorScope::handler, this); }
GdalErrorScope::~GdalErrorScope() { CPLPopErrorHandler(); }

void CPL_STDCALL GdalErrorScope::handler(CPLErr level, CPLErrorNum, const char* message) {
    auto* self = static_cast<GdalErrorScope*>(CPLGetErrorHandlerUserData());
    if (!self) return;
    if (level >= CE_Failure)
        self->m_last_error = message ? message : "";
    else if (level == CE_Warning)
        self->m_warnings.emplace_back(message ? message : "");
}

std::string with_gdal_reason(std::string what) {
    const char* message = CPLGetLastErrorMsg();
    if (CPLGetLastErrorType() >= CE_Failure && message && *message) what += std::string(" (GDAL: ") + message + ")";
    CPLErrorReset();
    return what;
}

void require_input_path(const std::string& path) {
    const bool is_virtual = path.rfind("/vsi", 0) == 0 || path.rfind("PG:", 0) == 0;
    // "CSV:file.txt" forces the CSV driver on another extension (GTFS stops.txt): check the file.
    const std::string on_disk = path.rfind("CSV:", 0) == 0 ? path.substr(4) : path;
    if (!is_virtual && !std::filesystem::exists(on_disk))
        throw InputError("no such file or folder; check the path", {.file = path});
}

namespace {
unsigned kind_flags(DatasetKind kind) {
    switch (kind) {
        case DatasetKind::raster: return GDAL_OF_RASTER;
        case DatasetKind::vector: return GDAL_OF_VECTOR;
        case DatasetKind::any: return GDAL_OF_RASTER | GDAL_OF_VECTOR;
    }
    return GDAL_OF_RASTER | GDAL_OF_VECTOR;
}

DatasetPtr open_with(const std::string& path, unsigned flags, DatasetKind kind,
                     const std::vector<std::string>& open_options) {
    GdalEnvironment::ensure();
    require_input_path(path);
    CPLStringList options;
    for (const auto& o : open_options) options.AddString(o.c_str());
    GdalErrorScope errors;
    DatasetPtr ds(GDALDataset::Open(path.c_str(), flags | kind_flags(kind), nullptr, options.List(), nullptr));
    if (!ds) {
        std::string what = kind == DatasetKind::raster   ? "not a raster GDAL can read"
                           : kind == DatasetKind::vector ? "not a vector dataset GDAL can read"
                                                         : "not a format GDAL can read";
        if (!errors.last_error().empty()) what += " (" + errors.last_error() + ")";
        throw InputError(what, {.file = path});
    }
    return ds;
}
}  // namespace

DatasetPtr open_dataset(const std::string& path, DatasetKind kind, const std::vector<std::string>& open_options) {
    return open_with(path, GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, kind, open_options);
}

DatasetPtr open_dataset_update(const std::string& path, DatasetKind kind) {
    return open_with(path, GDAL_OF_UPDATE | GDAL_OF_VERBOSE_ERROR, kind, {});
}

GDALDriver& driver(const std::string& short_name) {
    GdalEnvironment::ensure();
    auto* d = GetGDALDriverManager()->GetDriverByName(short_name.c_str());
    if (!d) throw InternalError("GDAL driver '" + short_name + "' is not available in this GDAL build");
    return *d;
}

std::string driver_for_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext == ".csv") return "CSV";
    if (ext == ".gpkg") return "GPKG";
    if (ext == ".geojson" || ext == ".json") return "GeoJSON";
    if (ext == ".tif" || ext == ".tiff") return "GTiff";
    if (ext == ".shp") return "ESRI Shapefile";
    if (ext == ".xlsx") return "XLSX";
    throw UsageError("cannot tell the output format from '" + path +
                     "': use .csv, .gpkg, .geojson, .shp or .tif");
}

}  // namespace citycheck::spatial
