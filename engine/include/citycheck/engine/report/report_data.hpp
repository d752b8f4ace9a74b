#pragma once
// What the health-check report shows, gathered once: from a RunResult in memory (`citycheck run
// --report`) or from a run's output folder (summary.json + results.gpkg + provenance.json, for
// `citycheck report`). Every number is copied from the run's results, never recomputed; the
// report only formats and classes them.
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <citycheck/engine/config.hpp>
#include <citycheck/engine/scorer.hpp>
#include <citycheck/engine/service_areas.hpp>
#include <citycheck/spatial/crs.hpp>

namespace citycheck::engine {
struct RunResult;
}

namespace citycheck::engine::report {

struct IndicatorInfo {
    std::string id;
    std::string name_zh, name_en;
    std::string unit;        // catalogue unit id (percent, km_per_km2 …)
    std::string unit_label;  // "%", "km/km²"
    std::string primitive;
    std::string tdt1063, mohurd;  // dimensions (empty: none)
    std::string target_text;      // "≥ 40" or empty
    std::string target_source;
    std::string confidence;
    std::string confidence_note;
    std::string description;      // method in words (catalogue)
    std::vector<std::string> sources;
    nlohmann::json params = nlohmann::json::object();
    bool helper = false;
    bool failed = false;
    std::string failure;
};

struct Cell {  // one indicator in one zone, as the run wrote it
    double value = std::numeric_limits<double>::quiet_NaN();
    double numerator = std::numeric_limits<double>::quiet_NaN();
    double denominator = std::numeric_limits<double>::quiet_NaN();
    Status status = Status::no_data;
    std::optional<double> score;
    std::string grade;
    std::string note;
};

struct DimensionCell {
    std::string system;  // tdt1063 | mohurd
    std::string dimension;
    std::optional<double> score;
    std::string grade;
};

struct ReportZone {
    std::string id, name, parent_id;
    double area_m2 = 0;
    std::vector<Cell> cells;  // aligned with ReportData::indicators
    std::vector<DimensionCell> dimensions;
    std::optional<double> overall, overall_tdt1063, overall_mohurd;
    std::string grade;
    std::vector<Problem> problems;  // the run's 短板, largest gap first
    std::vector<unsigned char> wkb;  // working CRS (may be empty: no geometry)
};

struct ReportLevel {
    std::string level_zh, level_en;
    std::vector<ReportZone> zones;
};

// Earlier years from the store, for the top level's zone (the city): trend charts and the change
// from last year. Empty when no store was given.
struct HistoryPoint {
    int year = 0;
    double value = std::numeric_limits<double>::quiet_NaN();
};
struct History {
    std::string source;  // the store's path, for the report's text
    std::map<std::string, std::vector<HistoryPoint>> indicators;  // id → points, ascending years
    std::vector<HistoryPoint> overall;                            // overall score by year
};

struct ReportData {
    std::string city;
    int year = 0;
    spatial::Crs crs;  // of the zone geometries (projected, metres)
    std::vector<IndicatorInfo> indicators;
    std::vector<ReportLevel> levels;  // coarse → fine
    nlohmann::json provenance = nlohmann::json::object();
    std::vector<std::string> warnings;
    std::size_t failed_indicators = 0;
    std::optional<History> history;
    // Service areas of coverage indicators (run outputs' service_areas.gpkg or the store); an
    // indicator without an entry gets a note instead of a map.
    std::vector<ServiceAreaLayer> service_areas;
    // Where the numbers come from, when not a run output folder (e.g. "store checks.gpkg, run …").
    std::string source_note;
    // False when the source holds no problem list (短板) for this run: the section says so.
    bool problems_known = true;

    std::optional<std::size_t> indicator_index(const std::string& id) const;
};

// Status from the words the run writes (达标 … or met …); no_data for anything else.
Status parse_status(const std::string& text);

// The method text, confidence, target source, sources and parameters of an indicator from its
// entry in provenance.json's "indicators" (the full spec as run).
void apply_provenance_spec(IndicatorInfo& info, const nlohmann::json& provenance_indicator);

// From the run in memory; provenance is what the run wrote (or empty).
ReportData report_data_from_run(const HealthCheckConfig& config, const RunResult& result,
                                const nlohmann::json& provenance = nlohmann::json::object());

// From a run's output folder (summary.json, provenance.json, results.gpkg). Throws InputError
// naming the missing file; results.gpkg is optional (no maps without it, with a warning).
ReportData load_report_data(const std::filesystem::path& out_dir);

// The service areas of one indicator, if the data has them.
const ServiceAreaLayer* find_service_areas(const ReportData& data, const std::string& indicator_id);

}  // namespace citycheck::engine::report
