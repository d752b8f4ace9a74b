#pragma once
// The synthetic demo city: deterministic for a seed, in CGCS2000 / 3-degree GK CM 114E (EPSG:4547).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <citycheck/core/progress.hpp>

namespace citycheck::demo {

struct DemoOptions {
    std::uint64_t seed = 2025;
    double size_km = 10.0;  // side of the square city
};

struct DemoOutput {
    std::filesystem::path dir;
    std::vector<std::filesystem::path> files;  // every dataset written, in order
};

// Writes the demo city into dir (created if needed). Throws OutputError.
DemoOutput write_demo_city(const std::filesystem::path& dir, const DemoOptions& options,
                           const Progress& progress = {});

}  // namespace citycheck::demo
