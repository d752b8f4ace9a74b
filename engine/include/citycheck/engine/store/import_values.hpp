#pragma once
// `citycheck import-values`: departments' non-spatial indicator values (人均年用水量 …) from a CSV
// (UTF-8 or GBK) into the store, validated against the catalogue and the zones of the city's
// current run for the year. Every error is listed and nothing is imported when there is one; on
// success a new run (source "import") supersedes the current one: a copy of it plus the imported
// values, each assessed against its target. Format: docs/cli/import-values.md.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <citycheck/engine/catalog.hpp>

namespace citycheck::engine::store {

// Non-spatial indicators reported by departments (TD/T 1063 安全 tabular items, INDICATORS.md
// §3.1). They have no primitive: their values only come from import-values.
struct DepartmentIndicator {
    std::string id;
    LocalizedName name;
    std::string unit;        // unit code; unit_label gives the text
    std::string tdt1063;     // dimension
};
const std::vector<DepartmentIndicator>& department_indicators();
std::string department_unit_label(const std::string& unit);

struct ImportOptions {
    std::string city;
    int year = 0;
    std::string encoding = "auto";  // auto | utf-8 | gbk
    std::string level;              // default level when the CSV has no level column (en); empty: by zone code
};

struct ImportedValue {
    std::string indicator_id, level, zone_id, unit;
    double value = 0;
    std::optional<double> numerator, denominator;
    std::string note;
};

struct ImportResult {
    std::string run_id;           // the new run
    std::string superseded;       // the run it replaced
    std::vector<ImportedValue> values;
};

// Parses and validates; throws InputError listing every problem (row and column) when any.
std::vector<ImportedValue> read_import_csv(const std::filesystem::path& csv, const std::string& store_location,
                                           const ImportOptions& options);

ImportResult import_values(const std::filesystem::path& csv, const std::string& store_location, const ImportOptions& options);

}  // namespace citycheck::engine::store
