// Quantile classing and the report's colour ramps.
#include <citycheck/engine/report/classify.hpp>

#include <algorithm>
#include <cmath>

namespace citycheck::engine::report {

int Classes::class_of(double v) const {
    if (std::isnan(v) || upper.empty()) return -1;
    for (std::size_t i = 0; i < upper.size(); ++i)
        if (v <= upper[i]) return static_cast<int>(i);
    return static_cast<int>(upper.size()) - 1;
}

Classes quantile_classes(std::vector<double> values, int n) {
    Classes c;
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
    if (values.empty() || n < 1) return c;
    std::sort(values.begin(), values.end());
    c.min = values.front();
    std::vector<double> distinct = values;
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() <= static_cast<std::size_t>(n)) {
        c.upper = distinct;
        c.distinct = true;
        return c;
    }
    // Upper bound of class i: the value at rank ceil((i+1)·N/n) − 1; ties merge classes.
    const std::size_t count = values.size();
    for (int i = 0; i < n; ++i) {
        const std::size_t rank = (static_cast<std::size_t>(i + 1) * count + static_cast<std::size_t>(n) - 1) / static_cast<std::size_t>(n);
        const double ub = values[std::min(count, std::max<std::size_t>(rank, 1)) - 1];
        if (c.upper.empty() || ub > c.upper.back()) c.upper.push_back(ub);
    }
    if (c.upper.back() < values.back()) c.upper.push_back(values.back());
    return c;
}

std::vector<std::string> palette(std::size_t n, bool bad_high) {
    // ColorBrewer-like ramps chosen by hand (7 steps); n classes pick evenly spread steps.
    static const std::vector<std::string> good = {"#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#005a32"};
    static const std::vector<std::string> bad = {"#fee5d9", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#99000d"};
    const auto& ramp = bad_high ? bad : good;
    std::vector<std::string> out;
    if (n == 0) return out;
    if (n == 1) return {ramp[4]};
    for (std::size_t i = 0; i < n; ++i) out.push_back(ramp[std::min(ramp.size() - 1, i * (ramp.size() - 1) / (n - 1))]);
    return out;
}

}  // namespace citycheck::engine::report
