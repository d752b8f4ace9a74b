#pragma once
// Deterministic pseudo-random numbers for the demo city. Every random choice is a pure function of
// (seed, what, coordinates), so any block, pixel or feature can be regenerated on its own (bounded
// memory, any order) and the output never depends on the C++ library's distribution classes.
#include <cstdint>

namespace citycheck::demo::detail {

constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Hash of a seed, a purpose tag and up to three integers.
constexpr std::uint64_t mix(std::uint64_t seed, std::uint64_t tag, std::int64_t a = 0, std::int64_t b = 0,
                            std::int64_t c = 0) noexcept {
    std::uint64_t h = splitmix64(seed ^ splitmix64(tag));
    h = splitmix64(h ^ static_cast<std::uint64_t>(a));
    h = splitmix64(h ^ (static_cast<std::uint64_t>(b) * 0x9E3779B97F4A7C15ull));
    h = splitmix64(h ^ (static_cast<std::uint64_t>(c) * 0xC2B2AE3D27D4EB4Full));
    return h;
}

// Uniform in [0, 1) from the top 53 bits (exact in a double; identical on every platform).
constexpr double unit(std::uint64_t h) noexcept { return static_cast<double>(h >> 11) * 0x1.0p-53; }

// Uniform in [-1, 1).
constexpr double signed_unit(std::uint64_t h) noexcept { return 2.0 * unit(h) - 1.0; }

// Uniform integer in [0, n) by multiply-shift (no modulo bias worth caring about for small n).
constexpr std::uint32_t below(std::uint64_t h, std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>(((h >> 32) * n) >> 32);
}

// Purpose tags keep independent streams apart.
enum Tag : std::uint64_t {
    tag_urban_noise = 1,
    tag_block_kind,
    tag_block_variant,
    tag_block_extra,
    tag_density,
    tag_pixel,
    tag_names,
    tag_facility,
    tag_community,
    tag_facility_extra,  // culture centres and football pitches
    tag_waterlogging,
};

}  // namespace citycheck::demo::detail
