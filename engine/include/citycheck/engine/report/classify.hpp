#pragma once
// Map classes for choropleths: quantile classes over the finite values of one indicator at one
// level (each class holds about the same number of zones), so that 60 or 10,000 zones both give a
// readable map whatever the value distribution. With few distinct values each value is its own
// class. Documented in docs/report.md.
#include <string>
#include <vector>

namespace citycheck::engine::report {

struct Classes {
    std::vector<double> upper;  // inclusive upper bound of each class, ascending; the last is the maximum
    double min = 0;             // smallest value (lower bound of the first class)
    bool distinct = false;      // each class is one distinct value
    std::size_t size() const noexcept { return upper.size(); }
    int class_of(double v) const;  // -1 for NaN (no data) or no classes
};

// Quantile classes (at most n) of the finite values; empty classes when there is no finite value.
Classes quantile_classes(std::vector<double> values, int n = 5);

// Sequential palette of n colours (#rrggbb), light → dark; "bad_high" gives a red ramp (for
// indicators whose target is an upper bound), else a green-blue ramp.
std::vector<std::string> palette(std::size_t n, bool bad_high);
inline constexpr const char* NO_DATA_COLOUR = "#d9d9d9";

}  // namespace citycheck::engine::report
