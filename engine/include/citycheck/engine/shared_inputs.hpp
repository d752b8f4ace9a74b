#pragma once
// Intermediates several primitives share, built once per run through RunContext::cache:
// point sets, the union of boundary polygons (城区/建成区), and the finest zones clipped to it.
#include <memory>
#include <string>
#include <vector>

#include <citycheck/engine/primitive.hpp>

namespace citycheck::engine {

// Points of a dataset in the working CRS, sorted by x (then y) for range queries.
struct PointSet {
    std::vector<double> x, y;
};
// Polygon features reduced to points use their interior point; multipoints contribute each point.
std::shared_ptr<const PointSet> shared_points(const RunContext& ctx, const std::string& dataset, const std::string& where);

// The union of a polygon dataset (working CRS, WKB).
std::shared_ptr<const std::vector<unsigned char>> shared_polygon_union(const RunContext& ctx, const std::string& dataset);

// The finest zones, each clipped to the `within` dataset's union (unclipped when within is empty).
struct ClippedZones {
    std::vector<std::vector<unsigned char>> wkb;  // empty vector: nothing of the zone is inside
    std::vector<double> area_m2;
};
std::shared_ptr<const ClippedZones> shared_zones_within(const RunContext& ctx, const std::string& within);

}  // namespace citycheck::engine
