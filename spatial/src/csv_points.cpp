// CSV point tables: encoding and delimiter detection, RFC 4180 quoting, per-line error reports.
#include <citycheck/spatial/csv_points.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/encoding.hpp>

namespace citycheck::spatial {
namespace {

struct Record {
    long line = 0;
    std::vector<std::string> fields;
};

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
    return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Counts of each candidate delimiter outside quotes in one physical line.
std::array<int, 4> delimiter_counts(std::string_view line) {
    static constexpr std::array<char, 4> candidates{',', '\t', ';', '|'};
    std::array<int, 4> counts{};
    bool quoted = false;
    for (char c : line) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        for (std::size_t i = 0; i < candidates.size(); ++i)
            if (c == candidates[i]) ++counts[i];
    }
    return counts;
}

// The delimiter the header uses most, preferring one the first data line uses as often.
char detect_delimiter(std::string_view text) {
    static constexpr std::array<char, 4> candidates{',', '\t', ';', '|'};
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < text.size() && lines.size() < 2) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!trim(line).empty()) lines.push_back(line);
        pos = end + 1;
    }
    if (lines.empty()) return ',';
    const auto head = delimiter_counts(lines[0]);
    int best = -1;
    for (int pass = 0; pass < 2 && best < 0; ++pass) {
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            if (head[i] == 0) continue;
            if (pass == 0 && lines.size() > 1 && delimiter_counts(lines[1])[i] != head[i]) continue;
            if (best < 0 || head[i] > head[static_cast<std::size_t>(best)]) best = static_cast<int>(i);
        }
    }
    return best < 0 ? ',' : candidates[static_cast<std::size_t>(best)];
}

// RFC 4180 records; quoted fields may hold delimiters, doubled quotes and newlines.
std::vector<Record> split_records(const std::string& text, char delim) {
    std::vector<Record> records;
    Record current;
    std::string field;
    bool quoted = false, any = false;
    long line = 1;
    current.line = 1;
    auto end_record = [&] {
        current.fields.push_back(std::move(field));
        field.clear();
        const bool blank = current.fields.size() == 1 && trim(current.fields[0]).empty();
        if (!blank) records.push_back(std::move(current));
        current = Record{};
        any = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (!any) {
            current.line = line;
            any = true;
        }
        if (c == '"' && trim(field).empty()) {
            field.clear();
            quoted = true;
        } else if (c == delim) {
            current.fields.push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            end_record();
            ++line;
        } else if (c != '\r') {
            field += c;
        }
    }
    if (any || !field.empty()) end_record();
    return records;
}

std::optional<std::size_t> find_column(const std::vector<std::string>& header, const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
        if (trim(header[i]) == name) return i;
    const std::string l = lower(name);
    for (std::size_t i = 0; i < header.size(); ++i)
        if (lower(trim(header[i])) == l) return i;
    return std::nullopt;
}

std::string list_columns(const std::vector<std::string>& header) {
    std::string s;
    for (const auto& h : header) s += (s.empty() ? "" : ", ") + trim(h);
    return s;
}

std::size_t resolve_column(const std::vector<std::string>& header, const std::string& given,
                           const std::vector<std::string>& defaults, const char* role, const std::string& source) {
    if (!given.empty()) {
        if (auto i = find_column(header, given)) return *i;
        throw InputError("no column '" + given + "' for " + role + "; the columns are: " + list_columns(header),
                         {.file = source, .field = given});
    }
    for (const auto& d : defaults)
        if (auto i = find_column(header, d)) return *i;
    throw InputError(std::string("cannot tell which column holds ") + role + " (tried " + [&] {
        std::string s;
        for (const auto& d : defaults) s += (s.empty() ? "" : ", ") + d;
        return s;
    }() + "); name it with --x/--y. The columns are: " + list_columns(header),
                     {.file = source});
}

std::optional<double> parse_number(const std::string& raw) {
    const std::string s = trim(raw);
    if (s.empty()) return std::nullopt;
    double v = 0;
    const char* b = s.data();
    if (*b == '+') ++b;
    const auto [ptr, ec] = std::from_chars(b, s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

}  // namespace

double CsvPoints::value_total() const {
    double t = 0;
    for (const auto& p : points) t += p.value;
    return t;
}

std::string describe_bad_rows(const std::vector<CsvBadRow>& rows, std::size_t max_listed) {
    std::ostringstream s;
    s << rows.size() << (rows.size() == 1 ? " row" : " rows") << " unusable";
    for (std::size_t i = 0; i < rows.size() && i < max_listed; ++i)
        s << (i == 0 ? ": " : "; ") << "line " << rows[i].line << ": " << rows[i].reason;
    if (rows.size() > max_listed) s << "; …";
    return s.str();
}

CsvPoints parse_csv_points(std::string text, const CsvPointOptions& options, const std::string& source) {
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    CsvPoints result;
    result.delimiter = detect_delimiter(text);
    auto records = split_records(text, result.delimiter);
    if (records.empty()) throw InputError("the CSV file is empty", {.file = source});
    const auto& header = records.front().fields;
    const std::size_t xi = resolve_column(header, options.x_column, {"lon", "lng", "longitude", "x", "经度", "wgs84_lon"},
                                          "the x (longitude) coordinate", source);
    const std::size_t yi = resolve_column(header, options.y_column, {"lat", "latitude", "y", "纬度", "wgs84_lat"},
                                          "the y (latitude) coordinate", source);
    std::optional<std::size_t> vi;
    if (!options.value_column.empty())
        vi = resolve_column(header, options.value_column, {}, "the value", source);
    result.x_column = trim(header[xi]);
    result.y_column = trim(header[yi]);
    if (vi) result.value_column = trim(header[*vi]);

    std::vector<CsvBadRow> bad;
    result.points.reserve(records.size() - 1);
    for (std::size_t r = 1; r < records.size(); ++r) {
        const auto& rec = records[r];
        const std::size_t need = std::max({xi, yi, vi.value_or(0)}) + 1;
        if (rec.fields.size() < need) {
            bad.push_back({rec.line, "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                                         std::to_string(header.size())});
            continue;
        }
        auto num = [&](std::size_t col, const std::string& name) -> std::optional<double> {
            auto v = parse_number(rec.fields[col]);
            if (!v) {
                const std::string raw = trim(rec.fields[col]);
                bad.push_back({rec.line, raw.empty() ? "column '" + name + "' is empty"
                                                     : "'" + raw + "' in column '" + name + "' is not a number"});
            }
            return v;
        };
        const auto x = num(xi, result.x_column);
        if (!x) continue;
        const auto y = num(yi, result.y_column);
        if (!y) continue;
        double value = 1;
        if (vi) {
            const auto v = num(*vi, result.value_column);
            if (!v) continue;
            value = *v;
        }
        CsvPoint p{*x, *y, value, rec.line};
        if (options.coords != CoordSystem::wgs84) {
            if (std::abs(p.x) > 180 || std::abs(p.y) > 90) {
                bad.push_back({rec.line, "coordinates (" + trim(rec.fields[xi]) + ", " + trim(rec.fields[yi]) +
                                             ") are not longitude/latitude, as --coords " +
                                             to_string(options.coords) + " requires"});
                continue;
            }
            const LonLat w = convert(LonLat{p.x, p.y}, options.coords, CoordSystem::wgs84);
            p.x = w.lon;
            p.y = w.lat;
        }
        result.points.push_back(p);
    }
    if (!bad.empty() && !options.skip_bad_rows) {
        throw InputError(describe_bad_rows(bad, 10) + "; fix them or pass --skip-bad-rows to leave them out",
                         {.file = source, .feature = "line " + std::to_string(bad.front().line)});
    }
    result.bad_rows = std::move(bad);
    return result;
}

CsvPoints read_csv_points(const std::string& path, const CsvPointOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot open the CSV file", {.file = path});
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string encoding = options.encoding;
    const bool bom = bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0;
    if (encoding.empty()) {
        if (bom) {
            encoding = "UTF-8";
        } else {
            switch (classify_bytes(bytes)) {
                case TextKind::ascii: encoding = "ASCII"; break;
                case TextKind::utf8: encoding = "UTF-8"; break;
                case TextKind::gbk: encoding = "GBK"; break;
                case TextKind::unknown:
                    throw InputError("the CSV file is neither UTF-8 nor GBK text; give its encoding with --encoding",
                                     {.file = path});
            }
        }
    }
    const std::string enc_upper = [&] {
        std::string e = encoding;
        std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        return e;
    }();
    std::string text;
    if (enc_upper == "UTF-8" || enc_upper == "UTF8" || enc_upper == "ASCII") {
        text = std::move(bytes);
    } else {
        // GB18030 is a superset of GBK/CP936, so it decodes every GBK file.
        const std::string from = (enc_upper == "GBK" || enc_upper == "CP936") ? "GB18030" : encoding;
        text = recode(bytes, from, "UTF-8");
    }
    CsvPoints result = parse_csv_points(std::move(text), options, path);
    result.encoding = encoding;
    return result;
}

}  // namespace citycheck::spatial
