#pragma once
// Zone geometries projected to screen pixels and simplified for display: Douglas-Peucker with
// topology preservation (GEOSTopologyPreserveSimplify_r) at a tolerance of a fraction of a pixel,
// so that 10,000 zones draw as a few hundred kilobytes of SVG path data that looks identical.
#include <string>
#include <vector>

#include <citycheck/spatial/geos.hpp>

namespace citycheck::engine::report {

struct MapFrame {
    spatial::Box extent;       // map units (working CRS)
    double width = 0, height = 0;  // drawing area, px
    double margin = 10;        // px around the extent
    double scale = 1;          // px per map unit
    double x(double mx) const { return margin + (mx - extent.xmin) * scale; }
    double y(double my) const { return margin + (extent.ymax - my) * scale; }
};

struct ProjectedZones {
    MapFrame frame;
    std::vector<std::string> paths;  // SVG path data per zone, in input order ("" when empty)
    std::size_t vertices_in = 0, vertices_out = 0;
};

// Projects WKB polygons (all in one CRS) into a frame max_width × max_height px (aspect kept) and
// simplifies each at tolerance_px. Empty or unreadable geometries give an empty path.
ProjectedZones project_zones(const std::vector<const std::vector<unsigned char>*>& wkbs, double max_width = 760,
                             double max_height = 560, double tolerance_px = 0.4);

// The same in a given frame (overlays such as service areas drawn over projected zones).
ProjectedZones project_in_frame(const std::vector<const std::vector<unsigned char>*>& wkbs, const MapFrame& frame,
                                double tolerance_px = 0.4);

}  // namespace citycheck::engine::report
