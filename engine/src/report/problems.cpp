// Ranking of the scorer's per-zone problems into one list per level.
#include <citycheck/engine/report/problems.hpp>

#include <algorithm>
#include <map>

namespace citycheck::engine::report {

namespace {
// Zones of `level` with a problem on indicator id, largest gap first.
std::vector<ZoneRef> zones_with(const ReportData& data, std::size_t level, const std::string& id) {
    std::vector<ZoneRef> out;
    const auto& zones = data.levels[level].zones;
    for (std::size_t z = 0; z < zones.size(); ++z)
        for (const auto& p : zones[z].problems)
            if (p.id == id) out.push_back({level, z, p.gap, p.value});
    std::stable_sort(out.begin(), out.end(), [](const ZoneRef& a, const ZoneRef& b) { return a.gap > b.gap; });
    return out;
}
}  // namespace

std::vector<RankedProblem> rank_problems(const ReportData& data, std::size_t level, std::size_t max_drivers) {
    std::vector<RankedProblem> out;
    if (level >= data.levels.size()) return out;
    const auto& zones = data.levels[level].zones;
    std::map<std::string, std::size_t> seen;  // indicator id → position in out
    for (const auto& zone : zones)
        for (const auto& p : zone.problems) {
            auto idx = data.indicator_index(p.id);
            if (!idx) continue;
            auto [it, fresh] = seen.emplace(p.id, out.size());
            if (fresh) out.push_back({*idx, 0, zones.size(), 0, 0, {}});
            auto& rp = out[it->second];
            ++rp.zones_affected;
            rp.mean_gap += p.gap;
            rp.max_gap = std::max(rp.max_gap, p.gap);
        }
    for (auto& rp : out) {
        rp.mean_gap /= static_cast<double>(rp.zones_affected);
        const auto& id = data.indicators[rp.indicator].id;
        // A one-zone level (the city) is driven by its sub-zones: look one level finer.
        std::size_t from = level;
        if (zones.size() == 1 && level + 1 < data.levels.size()) from = level + 1;
        auto drivers = zones_with(data, from, id);
        if (drivers.size() > max_drivers) drivers.resize(max_drivers);
        rp.drivers = std::move(drivers);
    }
    std::stable_sort(out.begin(), out.end(), [](const RankedProblem& a, const RankedProblem& b) {
        const double sa = static_cast<double>(a.zones_affected) / static_cast<double>(a.zones_total);
        const double sb = static_cast<double>(b.zones_affected) / static_cast<double>(b.zones_total);
        if (sa != sb) return sa > sb;
        if (a.mean_gap != b.mean_gap) return a.mean_gap > b.mean_gap;
        return a.indicator < b.indicator;
    });
    return out;
}

}  // namespace citycheck::engine::report
