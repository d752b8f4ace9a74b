#pragma once
// WGS84 → GCJ-02 forward obfuscation (INDICATORS.md §7.1), private to the demo: it only produces the
// heat CSV's coordinates. The engine's real converter (with the inverse) lives in spatial/.
namespace citycheck::demo::detail {

struct LonLat {
    double lon, lat;
};

// Inside China's bounding box the GCJ-02 offsets are added; outside, the input is returned unchanged.
LonLat wgs84_to_gcj02(LonLat p);

}  // namespace citycheck::demo::detail
