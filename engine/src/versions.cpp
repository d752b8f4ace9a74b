#include <citycheck/core/version.hpp>
#include <citycheck/engine/versions.hpp>
#include <citycheck/spatial/proj.hpp>

#include <gdal.h>
#include <geos_c.h>
#include <oneapi/tbb/version.h>

namespace citycheck::engine {

std::vector<ComponentVersion> component_versions() {
    return {
        {"citycheck", VERSION},
        {"GDAL", GDALVersionInfo("RELEASE_NAME")},
        {"GEOS", GEOSversion()},
        {"PROJ", spatial::proj_version()},
        {"TBB", TBB_runtime_version()},
    };
}

std::string version_text() {
    std::string out;
    for (const auto& c : component_versions()) out += c.name + " " + c.version + "\n";
    return out;
}

}  // namespace citycheck::engine
