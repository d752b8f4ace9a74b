// Result rows and the four-level roll-up (sum numerators and denominators, then divide).
#include <citycheck/core/error.hpp>
#include <citycheck/engine/result_table.hpp>

#include <cmath>

namespace citycheck::engine {

ZoneResult make_result(double numerator, double denominator, bool has_denominator, double scale) {
    ZoneResult r;
    r.numerator = numerator;
    r.denominator = has_denominator ? denominator : NaN;
    if (std::isnan(numerator) || (has_denominator && std::isnan(denominator))) {
        r.note = "missing data";
    } else if (has_denominator && denominator == 0.0) {
        r.note = "zero denominator";
    } else {
        r.value = has_denominator ? scale * numerator / denominator : scale * numerator;
    }
    return r;
}

std::vector<std::vector<ZoneResult>> roll_up(const ZoneValues& finest, const ZoneSet& zones, double scale) {
    const std::size_t n_levels = zones.levels().size();
    const std::size_t n_fine = zones.finest().zones.size();
    if (finest.numerator.size() != n_fine || (finest.has_denominator && finest.denominator.size() != n_fine))
        throw InternalError("a primitive returned " + std::to_string(finest.numerator.size()) + " values for " +
                            std::to_string(n_fine) + " zones");
    std::vector<std::vector<ZoneResult>> out(n_levels);
    for (std::size_t k = 0; k < n_levels; ++k) {
        const std::size_t n = zones.levels()[k].zones.size();
        std::vector<double> num(n, 0.0), den(n, 0.0);
        const auto anc = zones.ancestors_at(k);
        // Sum in finest-zone order: deterministic for any thread count. NaN propagates: a parent
        // with a child lacking data has no value rather than a silently smaller one.
        for (std::size_t i = 0; i < n_fine; ++i) {
            num[anc[i]] += finest.numerator[i];
            if (finest.has_denominator) den[anc[i]] += finest.denominator[i];
        }
        out[k].reserve(n);
        for (std::size_t z = 0; z < n; ++z) out[k].push_back(make_result(num[z], den[z], finest.has_denominator, scale));
    }
    return out;
}

const IndicatorResult* ResultTable::find(const std::string& id) const {
    for (const auto& r : m_results)
        if (r.id == id) return &r;
    return nullptr;
}

}  // namespace citycheck::engine
