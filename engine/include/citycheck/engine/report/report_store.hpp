#pragma once
// The report from the results store alone (`citycheck report --store S [--city C] [--year Y]`):
// the same ReportData as from a run output folder, read from the current run of that city and
// year — zones with geometry, values, statuses, scores, dimension scores, problem lists, warnings,
// provenance and service areas — plus the earlier years for the trends. Nothing is recomputed.
#include <optional>
#include <string>

#include <citycheck/engine/report/report_data.hpp>

namespace citycheck::engine::report {

struct StoreSelection {
    std::string city;         // empty: the store's only city (UsageError listing them when several)
    std::optional<int> year;  // empty: the latest year with a current run
};

// Throws InputError when the store cannot be opened or holds no run, UsageError (naming the
// cities or years present) when the city is ambiguous or unknown or the year is not in the store.
ReportData load_report_data_from_store(const std::string& location, const StoreSelection& selection);

}  // namespace citycheck::engine::report
