#pragma once
// Versions of citycheck and the libraries it was built with and runs against.
#include <string>
#include <vector>

namespace citycheck::engine {

struct ComponentVersion {
    std::string name;
    std::string version;
};

std::vector<ComponentVersion> component_versions();  // citycheck, GDAL, GEOS, PROJ, TBB
std::string version_text();                          // one line per component

}  // namespace citycheck::engine
