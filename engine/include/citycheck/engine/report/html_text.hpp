#pragma once
// Small text helpers shared by the report writers: escaping and number formatting.
#include <optional>
#include <string>

namespace citycheck::engine::report {

std::string html_escape(const std::string& s);  // & < > " '
std::string format_value(double v);             // for display: 4 significant digits, "—" for NaN
std::string format_score(const std::optional<double>& v);  // one decimal, "—" when absent
std::string exact_number(double v);             // %.10g as the run's CSV writes it; "" for NaN
std::string json_string(const std::string& s);  // a JSON string literal safe inside <script>

}  // namespace citycheck::engine::report
