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
// `sources` are grouped by facility (label = facility index, in facility order); snapped[i] says
// whether demand cell i has a usable position pos[i]. Deterministic for any thread count.
void network_catchments(const RoadGraph& graph, const FacilitySet& facilities, std::span<const Source> sources,
                        const Demand& demand, const std::vector<EdgePosition>& pos, const std::vector<std::uint8_t>& snapped,
                        double max_reach, bool count_access, std::vector<FacilityCatchment>& out);

}  // namespace citycheck::spatial::detail
