// Per-facility catchments on the network: the demand within reach of each facility on its own.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <citycheck/spatial/coverage.hpp>
#include <citycheck/spatial/network_search.hpp>

namespace citycheck::spatial::detail {

// Fills fid, reach, access_points and demand_within_reach of out[f] for every facility f: one
// cut-off search per facility (in parallel), then the snapped demand on the edges it reached.
// `sources` are grouped by facility (label = facility index, in facility order); nearest[i] is
// demand cell i's effective distance to its nearest facility from the search over all of them
// (+inf when none reaches it; finite only where pos[i] is usable): a facility alone cannot reach a
// cell farther than that, so only cells within max_reach are looked at. Deterministic for any
// thread count.
void network_catchments(const RoadGraph& graph, const FacilitySet& facilities, std::span<const Source> sources,
                        const Demand& demand, std::span<const EdgePosition> pos, const std::vector<double>& nearest,
                        double max_reach, bool count_access, std::vector<FacilityCatchment>& out);

}  // namespace citycheck::spatial::detail
