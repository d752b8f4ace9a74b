// The report's history from the store's read API.
#include <citycheck/engine/report/report_history.hpp>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/store/store_reader.hpp>

namespace citycheck::engine::report {

bool store_available() { return true; }

void load_history(ReportData& data, const std::string& location) {
    auto reader = store::StoreReader::open(location);
    History h;
    h.source = location;
    if (data.levels.empty() || data.levels[0].zones.empty()) {
        data.history = h;
        return;
    }
    const auto& level = data.levels[0].level_en;
    const auto& zone = data.levels[0].zones[0].id;
    for (const auto& ind : data.indicators)
        for (const auto& row : reader.history(data.city, ind.id, level, zone))
            if (row.value && row.year != data.year) h.indicators[ind.id].push_back({row.year, *row.value});
    for (int year : reader.years(data.city)) {
        if (year == data.year) continue;
        const auto run = reader.current_run(data.city, year);
        if (!run) continue;
        for (const auto& d : reader.dimensions(run->run_id, level))
            if (d.zone_id == zone && d.system == "overall" && d.dimension.empty() && d.score) h.overall.push_back({year, *d.score});
    }
    data.history = std::move(h);
}

}  // namespace citycheck::engine::report
