#pragma once
// `citycheck compare`: year-over-year change per indicator and zone from the store, trends over
// three or more years, and early warnings (target crossed, worsened by more than a share, value
// outside its plausible range). Zones are matched by code; where a zone's boundary changed, older
// values are re-aggregated onto the newest boundary from the finest level (area-weighted
// numerators and denominators), or the zone is reported not comparable. Rules: docs/store.md.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <citycheck/engine/store/store_reader.hpp>

namespace citycheck::engine::store {

struct CompareOptions {
    std::string city;            // empty: the store's only city
    std::vector<int> years;      // ascending, at least two; empty: every year with a current run
    double worsen_share = 0.10;  // warn when a value worsens by more than this share of the earlier value
    double area_tolerance = 0.01;  // relative area difference above which a boundary counts as changed
    std::string level;           // city | district | subdistrict | community; empty: every level
};

// Per year: how the value was obtained.
enum class YearSource { stored, reaggregated, absent, not_comparable };
std::string to_string(YearSource s);

struct ChangeRow {
    std::string indicator_id, name_zh, unit;
    std::string level, zone_id, zone_name;
    std::vector<std::optional<double>> values;  // aligned with CompareResult::years
    std::vector<std::string> statuses;          // status (en) per year, "" without a value
    std::vector<YearSource> sources;
    std::string comparability;                  // comparable | reaggregated | not_comparable
    std::string comparability_note;             // why not, or what was re-aggregated
    std::optional<double> change;               // last − first year with a value
    std::optional<double> change_share;         // change / |first|
    std::optional<double> slope;                // least-squares change per year (two or more values)
    int trend_points = 0;
    std::string direction;                      // higher_better | lower_better | toward_target | unknown
    std::string trend;                          // improving | worsening | stable | unknown | insufficient
    std::string trend_zh;                       // 改善 恶化 持平 方向未知 数据不足
};

struct CompareWarning {
    std::string kind;  // target_crossed | worsened | implausible
    std::string indicator_id, level, zone_id;
    int year_from = 0, year_to = 0;
    std::optional<double> value_from, value_to;
    std::string message;
};

struct CompareResult {
    std::string city;
    std::vector<int> years;
    double worsen_share = 0;
    std::vector<ChangeRow> rows;
    std::vector<CompareWarning> warnings;
};

CompareResult compare_years(const StoreReader& reader, const CompareOptions& options);

// Plausible range of a unit: percent 0–100, every other catalogue unit ≥ 0; nullopt bounds: open.
std::pair<std::optional<double>, std::optional<double>> plausible_range(const std::string& unit);

nlohmann::json to_json(const CompareResult& r);
// By extension: .json (everything) or .csv (changes; warnings into <stem>_warnings.csv). Returns
// the files written.
std::vector<std::filesystem::path> write_compare(const CompareResult& r, const std::filesystem::path& path);

}  // namespace citycheck::engine::store
