#pragma once
// Travel time as the cost of a road graph (消防救援5分钟可达, N-minute reach): each edge costs
// its length / the speed of its class, in minutes; one-way edges stay one-way (the graph's arcs).
#include <map>
#include <string>
#include <vector>

#include <citycheck/spatial/mode_profile.hpp>
#include <citycheck/spatial/road_graph.hpp>

namespace citycheck::spatial {

// Speed (km/h) per class of the graph: `overrides` by class name first, then the profile's table,
// then its default speed. Throws UsageError for a speed that is not positive.
std::vector<double> class_speeds_kmh(const RoadGraph& graph, const ModeProfile& profile,
                                     const std::map<std::string, double>& overrides = {});

// Minutes to traverse each edge at its class speed.
std::vector<double> travel_minutes_by_edge(const RoadGraph& graph, const std::vector<double>& speed_kmh_by_class);

// Sets the graph's costs to travel minutes (see RoadGraph::set_costs_by_edge).
void use_travel_time(RoadGraph& graph, const ModeProfile& profile, const std::map<std::string, double>& overrides = {});

// "primary:40,secondary:35" → {primary: 40, secondary: 35}. Throws UsageError.
std::map<std::string, double> parse_class_speeds(const std::string& text);

}  // namespace citycheck::spatial
