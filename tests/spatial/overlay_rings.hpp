#pragma once
// Polygons for the overlay's own geometry tests: WKT through GEOS to WKB, parsed as the overlay
// parses parcels (rings turned so that interiors lie on the left).
#include <gtest/gtest.h>

#include <string>

#include <citycheck/spatial/geos.hpp>

#include "../../spatial/src/overlay_clip_area.hpp"

namespace citycheck::test {

inline spatial::detail::Rings parse_rings(const spatial::GeosContext& ctx, const std::string& wkt) {
    spatial::detail::Rings r;
    EXPECT_TRUE(spatial::detail::parse_polygonal_wkb(ctx.to_wkb(*ctx.from_wkt(wkt)), r)) << wkt;
    return r;
}

}  // namespace citycheck::test
