#pragma once
// RAII and error handling around GDAL/OGR. GDAL handles are not thread-safe: open one dataset per
// thread (see citycheck::PerThread). Failures become citycheck exceptions naming the path.
#include <string>
#include <vector>

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

namespace citycheck::spatial {

// Registers all GDAL/OGR drivers once and sets process-wide options. Construct once in main()
// or a test environment, before any thread opens a dataset.
// GDAL's block cache unless the user sets GDAL_CACHEMAX (environment or config option).
constexpr long long DEFAULT_GDAL_CACHE_BYTES = 256LL * 1024 * 1024;

class GdalEnvironment {
  public:
    GdalEnvironment();
    GdalEnvironment(const GdalEnvironment&) = delete;
    GdalEnvironment& operator=(const GdalEnvironment&) = delete;
    static void ensure();  // idempotent, thread-safe registration for libraries and tests
};

// Captures GDAL/CPL errors raised on this thread while it lives (the handler stack is thread-local),
// so that they can be attached to an exception instead of being printed.
class GdalErrorScope {
  public:
    GdalErrorScope();
    ~GdalErrorScope();
    GdalErrorScope(const GdalErrorScope&) = delete;
    GdalErrorScope& operator=(const GdalErrorScope&) = delete;

    const std::string& last_error() const noexcept { return m_last_error; }
    const std::vector<std::string>& warnings() const noexcept { return m_warnings; }

  private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum number, const char* message);
    std::string m_last_error;
    std::vector<std::string> m_warnings;
};

// `what`, followed by GDAL's own message for the failure that just happened on this thread, if it
// recorded one ("cannot write … (GDAL: disk full)"); clears that message. For throw sites after a
// failed GDAL/OGR call that has no GdalErrorScope of its own.
std::string with_gdal_reason(std::string what);

using DatasetPtr = GDALDatasetUniquePtr;

enum class DatasetKind { raster, vector, any };

// Opens read-only (never GDAL_OF_SHARED, so each thread gets its own handle). Throws InputError
// naming the path and GDAL's message when the file is missing or no driver can read it.
// Throws InputError ("no such file or folder") unless path is a file or folder on disk (virtual
// GDAL paths such as /vsizip/… and PG: connections pass): the check open_dataset makes first.
void require_input_path(const std::string& path);

DatasetPtr open_dataset(const std::string& path, DatasetKind kind = DatasetKind::any,
                        const std::vector<std::string>& open_options = {});

// Opens for update; throws InputError.
DatasetPtr open_dataset_update(const std::string& path, DatasetKind kind);

// The driver registered under short_name (e.g. "GTiff", "GPKG"); throws InternalError if absent.
GDALDriver& driver(const std::string& short_name);

// The output driver matching a file name's extension (.csv .gpkg .geojson .tif .shp); UsageError otherwise.
std::string driver_for_extension(const std::string& path);

}  // namespace citycheck::spatial
