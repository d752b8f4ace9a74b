#pragma once
// The problem list (短板) of one level, ranked, with the zones that drive each problem. Built from
// the problems the scorer attached to every zone (never re-assessed here).
#include <cstddef>
#include <vector>

#include <citycheck/engine/report/report_data.hpp>

namespace citycheck::engine::report {

struct ZoneRef {
    std::size_t level = 0, zone = 0;
    double gap = 0;
    double value = 0;
};

struct RankedProblem {
    std::size_t indicator = 0;   // index into ReportData::indicators
    std::size_t zones_affected = 0;  // zones of this level with the problem
    std::size_t zones_total = 0;
    double mean_gap = 0;         // over the affected zones
    double max_gap = 0;
    std::vector<ZoneRef> drivers;  // largest gap first; for a one-zone level, from the next finer level
};

// Ranked by the share of zones affected, then by mean gap (both descending), then by indicator order.
std::vector<RankedProblem> rank_problems(const ReportData& data, std::size_t level, std::size_t max_drivers = 5);

}  // namespace citycheck::engine::report
