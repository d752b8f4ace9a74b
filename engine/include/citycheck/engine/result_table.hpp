#pragma once
// Results of a run: zone (level, id) × indicator → numerator, denominator, value, unit, provenance.
// Indicators are computed as numerator and denominator at the finest level and rolled up by
// summing both (never by averaging ratios).
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <citycheck/engine/catalog.hpp>
#include <citycheck/engine/zones.hpp>

namespace citycheck::spatial {
struct ServiceAreas;  // coverage.hpp
}

namespace citycheck::engine {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// What a primitive returns: one numerator (and denominator) per zone of the level it computed,
// in SI units (m, m², count, persons). Without a denominator the quantity is extensive (a sum).
struct ZoneValues {
    std::vector<double> numerator;
    std::vector<double> denominator;  // empty when has_denominator is false
    bool has_denominator = true;
    std::vector<std::string> warnings;
    // Coverage indicators: the covered demand of each finest zone as polygons (working CRS) and
    // the facilities, for the run's service_areas.gpkg, the store and the report's maps.
    std::shared_ptr<const spatial::ServiceAreas> service_areas;
};

struct ZoneResult {
    double numerator = NaN;
    double denominator = NaN;  // NaN for extensive quantities
    double value = NaN;        // NaN: missing (zero denominator, missing data or failure)
    std::string note;          // why the value is missing, if it is
};

enum class IndicatorState { ok, failed };

struct IndicatorResult {
    std::string id;
    IndicatorState state = IndicatorState::ok;
    std::string failure;       // reason, when failed
    int failure_code = 0;      // ErrorCode of the failure
    bool extensive = false;    // no denominator: sums roll up directly
    std::vector<std::vector<ZoneResult>> levels;  // [level position][zone position]
    double seconds = 0;
    std::vector<std::string> warnings;
    std::shared_ptr<const spatial::ServiceAreas> service_areas;  // coverage indicators (see ZoneValues)
};

// value = scale × numerator / denominator; NaN with a note on a zero denominator or missing input.
ZoneResult make_result(double numerator, double denominator, bool has_denominator, double scale);

// Rolls finest-level values up to every configured level of zones (result [k] for level k).
std::vector<std::vector<ZoneResult>> roll_up(const ZoneValues& finest, const ZoneSet& zones, double scale);

class ResultTable {
  public:
    void add(IndicatorResult r) { m_results.push_back(std::move(r)); }
    const std::vector<IndicatorResult>& results() const noexcept { return m_results; }
    std::vector<IndicatorResult>& results() noexcept { return m_results; }
    const IndicatorResult* find(const std::string& id) const;

  private:
    std::vector<IndicatorResult> m_results;
};

}  // namespace citycheck::engine
