// Escaping and number formatting for the report.
#include <citycheck/engine/report/html_text.hpp>

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace citycheck::engine::report {

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string format_value(double v) {
    if (!std::isfinite(v)) return "—";
    char buf[64];
    const double a = std::fabs(v);
    if (a >= 1e6 || (a > 0 && a < 1e-3)) std::snprintf(buf, sizeof buf, "%.3g", v);
    else if (a >= 1000) std::snprintf(buf, sizeof buf, "%.0f", v);
    else if (a >= 100) std::snprintf(buf, sizeof buf, "%.1f", v);
    else if (a >= 1) std::snprintf(buf, sizeof buf, "%.2f", v);
    else std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

std::string format_score(const std::optional<double>& v) {
    if (!v || !std::isfinite(*v)) return "—";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", *v);
    return buf;
}

std::string exact_number(double v) {
    if (std::isnan(v)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string json_string(const std::string& s) {
    std::string j = nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    // "</script>" inside a string would end the script element.
    std::string out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        if (j[i] == '<' && i + 1 < j.size() && j[i + 1] == '/') {
            out += "<\\/";
            ++i;
        } else {
            out += j[i];
        }
    }
    return out;
}

}  // namespace citycheck::engine::report
