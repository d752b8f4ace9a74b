#pragma once
// Earlier years for the report from the results store (engine/store): the city's value of every
// indicator and its overall score per year, for the trend charts and the change from last year.
#include <string>

#include <citycheck/engine/report/report_data.hpp>

namespace citycheck::engine::report {

// Whether this build has the store's read API (always, since the store module is merged).
bool store_available();

// Fills data.history for the first zone of the coarsest level from the store at location. Throws
// InputError when the store cannot be opened, UsageError when this build has no store.
void load_history(ReportData& data, const std::string& location);

}  // namespace citycheck::engine::report
