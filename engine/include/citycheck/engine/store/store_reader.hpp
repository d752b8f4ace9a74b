#pragma once
// Reading the base database (城市体检基础数据库): every run kept by `citycheck run --store`, in a
// GeoPackage file or a PostGIS database (location "PG:host=... dbname=..."). Read-only; the
// report and `citycheck compare` use it. The schema is documented in docs/store.md.
//
// Stable API: fields may be added, none renamed or removed.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <citycheck/engine/catalog.hpp>

namespace citycheck::engine::store {

// One run of one city's check for one year.
struct RunInfo {
    std::string run_id;         // unique text id
    std::string city;
    int year = 0;
    std::string status;         // "current" or "superseded" (a later run of the same city and year replaced it)
    std::string superseded_by;  // run id of the replacing run, empty when current
    std::string config_sha256;  // of the healthcheck.yaml
    std::string config_path;
    std::string versions;       // JSON object: component → version
    std::string started;        // UTC, ISO 8601
    std::string finished;       // UTC, ISO 8601 (when the store write committed)
    std::string crs;            // working CRS of the zone geometries (user string, e.g. "EPSG:4547")
    int failed_indicators = 0;
    std::string source;         // "run", or "import" for a run made by `citycheck import-values`
    std::string scoring;        // JSON: tolerance, grades [优, 良, 中 cut-offs], survey_weight
    bool current() const { return status == "current"; }
};

// Indicator definition as used by one run (target and unit may change between years).
struct IndicatorInfo {
    std::string run_id;
    std::string indicator_id;
    std::string name_zh, name_en;
    std::string unit;         // catalogue unit code: percent, km2, m2_per_person, ...
    std::string primitive;    // zonal, area_share, ..., expression (derived), or "import"
    std::string target;       // human text, e.g. "≥ 40"; empty without a target
    std::string target_op;    // >= > <= < = range; empty without a target
    std::optional<double> target_value, target_min, target_max;
    std::string dimension_tdt1063, dimension_mohurd;
    double weight = 1.0;
    bool helper = false;
    std::string state;        // ok | failed | imported
    std::string failure;
};

// The stored target of an indicator, when it has a scorable one.
std::optional<Target> stored_target(const IndicatorInfo& info);

// A zone of one run at one level.
struct ZoneInfo {
    std::string run_id;
    std::string level;        // city | district | subdistrict | community
    std::string zone_id;      // code
    std::string zone_name;
    std::string parent_id;
    double area_m2 = 0;
    std::vector<unsigned char> wkb;  // in RunInfo::crs; empty unless asked for
};

// One indicator value in one zone of one run, with its assessment.
struct ValueRow {
    std::string run_id;
    std::string city;
    int year = 0;
    std::string indicator_id;
    std::string level;        // city | district | subdistrict | community
    std::string zone_id;
    std::optional<double> numerator, denominator, value;  // absent: missing (see note)
    std::string unit;
    std::string status;       // met | nearly_met | not_met | no_target | no_data | failed
    std::string status_zh;    // 达标 | 基本达标 | 未达标 | 无目标 | 无数据 | 计算失败
    std::optional<double> score;  // 0–100
    std::string grade;        // 优 良 中 差 or empty
    std::string note;         // why a value is missing
    std::string source;       // "run" or "import:<file name>"
};

// Dimension and overall scores of one zone of one run. dimension "" with system "overall",
// "tdt1063" or "mohurd" holds the zone's overall scores.
struct DimensionRow {
    std::string run_id;
    std::string level;
    std::string zone_id;
    std::string system;       // tdt1063 | mohurd | overall
    std::string dimension;    // 安全 … / 生态宜居 …; empty for the overall rows
    std::optional<double> score;
    std::string grade;
    int indicators = 0;
};

// One entry of a zone's problem list (短板) as the scorer ranked it (rank 0: largest gap).
struct ProblemRow {
    std::string run_id;
    std::string level;
    std::string zone_id;
    int rank = 0;
    std::string indicator_id;
    std::string name_zh;
    std::optional<double> value;
    std::string target;
    double gap = 0;
    std::string status;       // not_met | nearly_met
};

// A service-area row: kind "area" (one finest zone's covered demand, MultiPolygon) or
// "facilities" (MultiPoint of the indicator's facilities).
struct ServiceAreaRow {
    std::string run_id;
    std::string indicator_id;
    std::string kind;
    std::string zone_id;
    std::optional<double> covered;
    std::vector<unsigned char> wkb;  // in RunInfo::crs
};

class StoreReader {
  public:
    // Opens an existing store read-only. Throws InputError naming the location when it does not
    // exist or is not a citycheck store.
    static StoreReader open(const std::string& location);
    ~StoreReader();
    StoreReader(StoreReader&&) noexcept;
    StoreReader& operator=(StoreReader&&) noexcept;

    const std::string& location() const;

    // Runs ordered by city, year, start time. city empty: every city.
    std::vector<RunInfo> runs(const std::string& city = "") const;
    std::vector<std::string> cities() const;
    std::vector<int> years(const std::string& city) const;  // with a current run, ascending
    // The current (not superseded) run of city and year, if any.
    std::optional<RunInfo> current_run(const std::string& city, int year) const;
    std::optional<RunInfo> run(const std::string& run_id) const;

    std::vector<IndicatorInfo> indicators(const std::string& run_id) const;
    // level empty: every level. with_geometry false leaves ZoneInfo::wkb empty.
    std::vector<ZoneInfo> zones(const std::string& run_id, const std::string& level = "", bool with_geometry = false) const;
    // Every value of one run (level empty: every level), ordered by level, zone, indicator.
    std::vector<ValueRow> values(const std::string& run_id, const std::string& level = "") const;
    std::vector<DimensionRow> dimensions(const std::string& run_id, const std::string& level = "") const;
    std::vector<std::string> warnings(const std::string& run_id) const;

    // Tables added after the first release (docs/store.md): empty for stores or runs written
    // before them.
    bool has_table(const std::string& name) const;
    // Whether the run's problem lists were stored (a run written by `citycheck run` since the
    // zone_problems table exists; not a run made by import-values, whose scores changed).
    bool problems_stored(const RunInfo& run) const;
    std::vector<ProblemRow> problems(const std::string& run_id, const std::string& level = "") const;
    // A document of the run ("provenance": its provenance.json), if stored.
    std::optional<std::string> document(const std::string& run_id, const std::string& name) const;
    std::vector<ServiceAreaRow> service_areas(const std::string& run_id, const std::string& indicator_id = "") const;

    // The history of one indicator in one zone: the current run's value for every year, ascending.
    std::vector<ValueRow> history(const std::string& city, const std::string& indicator_id, const std::string& level,
                                  const std::string& zone_id) const;
    // The value of the latest current run of the same city before `year` (for "change from last year").
    std::optional<ValueRow> previous_value(const std::string& city, int year, const std::string& indicator_id,
                                           const std::string& level, const std::string& zone_id) const;

  private:
    struct Impl;
    explicit StoreReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace citycheck::engine::store
