#pragma once
// Private helpers of the network/population adapters (coverage, length_density, share_above):
// the finest zones as planar polygon sets, road graphs per (dataset, mode) and class filters,
// each built once per run through the run's Intermediates cache.
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>

#include <citycheck/core/error.hpp>

#include <citycheck/engine/primitive.hpp>
#include <citycheck/spatial/coverage.hpp>
#include <citycheck/spatial/road_graph.hpp>

namespace citycheck::engine {

// A (multi)polygon WKB as a planar polygon set (even-odd rings).
spatial::PolygonSet polygon_set_from_wkb(const spatial::GeosContext& geos, const std::vector<unsigned char>& wkb);

// The finest zones (clipped to `within` when given) as spatial::ZonePolygons in the working CRS.
std::shared_ptr<const spatial::ZonePolygons> shared_zone_polygons(const RunContext& ctx, const std::string& within);

struct RoadNetwork {
    spatial::RoadLines lines;
    spatial::RoadGraph graph;
};
// Road lines of a dataset filtered by a mode profile (walk/bike/drive/all), projected to the working
// CRS and noded into a graph. Built once per (dataset, mode, class_field, where) and shared by every
// indicator of the run (the 15-minute life-circle family reuses one walk graph).
std::shared_ptr<const RoadNetwork> shared_road_network(const RunContext& ctx, const std::string& dataset,
                                                       const std::string& mode, const std::string& class_field,
                                                       const std::string& where);

// The same graph with travel minutes as costs (length / class speed; the mode profile's speeds,
// overridden by `speeds_kmh` per class), built once per run per (network, speeds).
std::shared_ptr<const spatial::RoadGraph> shared_travel_time_graph(const RunContext& ctx, const std::string& dataset,
                                                                  const std::string& mode, const std::string& class_field,
                                                                  const std::string& where,
                                                                  const std::map<std::string, double>& speeds_kmh);

// AND of a dataset's own filter and a parameter's filter.
std::string combined_where(const std::string& dataset_where, const std::string& param_where);

// Index of field in layer; throws InputError naming the file, layer and field when it is absent.
// what says which layer it is ("line", "land-use") and param the healthcheck.yaml key to fix.
int require_field(OGRLayer& layer, const std::string& field, const ErrorContext& where, const std::string& what,
                  const std::string& param);

// A class selector from a parameter: a list of codes (prefix match: '07' matches 0701), {regex: …},
// or "all" / absent (everything).
class ClassFilter {
  public:
    explicit ClassFilter(const nlohmann::json& spec);
    bool matches(const std::string& code) const;
    bool all() const noexcept { return m_all; }

  private:
    bool m_all = true;
    std::vector<std::string> m_prefixes;
    std::shared_ptr<const std::regex> m_regex;
};

}  // namespace citycheck::engine
