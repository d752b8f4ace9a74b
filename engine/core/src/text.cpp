#include <citycheck/core/text.hpp>

#include <algorithm>
#include <charconv>

namespace citycheck {

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

std::vector<std::string> split_list(std::string_view text, char separator) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(separator, start), text.size());
        if (end > start) out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

void append_fixed(std::string& out, double v, int decimals) {
    char buf[512];  // the longest double in fixed notation (309 digits) with up to 100 decimals
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, std::clamp(decimals, 0, 100));
    if (ec == std::errc()) out.append(buf, end);
}

}  // namespace citycheck
