// Travel-time costs from per-class speeds (mode profiles carry them as data).
#include <citycheck/spatial/travel_time.hpp>

#include <sstream>

#include <citycheck/core/error.hpp>

namespace citycheck::spatial {

std::vector<double> class_speeds_kmh(const RoadGraph& graph, const ModeProfile& profile,
                                     const std::map<std::string, double>& overrides) {
    for (const auto& [cls, v] : overrides)
        if (!(v > 0)) throw UsageError("the speed of road class '" + cls + "' must be positive (km/h)");
    std::vector<double> out;
    for (const auto& cls : graph.class_names()) {
        auto it = overrides.find(cls);
        out.push_back(it != overrides.end() ? it->second : profile.speed_for(cls));
        if (!(out.back() > 0)) throw UsageError("mode '" + profile.name + "' has no positive speed for road class '" + cls + "'");
    }
    return out;
}

std::vector<double> travel_minutes_by_edge(const RoadGraph& graph, const std::vector<double>& speed_kmh_by_class) {
    std::vector<double> minutes(graph.edge_count());
    for (std::uint32_t e = 0; e < graph.edge_count(); ++e) {
        const auto& ed = graph.edge(e);
        const double m_per_min = speed_kmh_by_class.at(ed.cls) * 1000.0 / 60.0;
        minutes[e] = ed.length / m_per_min;
    }
    return minutes;
}

void use_travel_time(RoadGraph& graph, const ModeProfile& profile, const std::map<std::string, double>& overrides) {
    graph.set_costs_by_edge(travel_minutes_by_edge(graph, class_speeds_kmh(graph, profile, overrides)));
}

std::map<std::string, double> parse_class_speeds(const std::string& text) {
    std::map<std::string, double> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item.empty()) continue;
        const auto colon = item.rfind(':');
        double v = 0;
        try {
            if (colon == std::string::npos || colon == 0) throw std::invalid_argument("no class");
            std::size_t used = 0;
            v = std::stod(item.substr(colon + 1), &used);
            if (used != item.size() - colon - 1) throw std::invalid_argument("trailing text");
        } catch (const std::exception&) {
            throw UsageError("--speeds expects CLASS:KMH pairs separated by commas, e.g. primary:40,residential:20; got '" + item + "'");
        }
        if (!(v > 0)) throw UsageError("the speed of road class '" + item.substr(0, colon) + "' must be positive (km/h)");
        out[item.substr(0, colon)] = v;
    }
    return out;
}

}  // namespace citycheck::spatial
