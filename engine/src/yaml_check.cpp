// Collecting validation helpers for YAML files: key paths, typo suggestions, typed getters.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/yaml_check.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace citycheck::engine {

std::string Issue::to_string() const {
    std::string s = path.empty() ? message : path + ": " + message;
    if (line > 0) s += " (line " + std::to_string(line) + ")";
    return s;
}

namespace {
int line_of(const YAML::Node& n) {
    if (!n.IsDefined()) return 0;
    const auto m = n.Mark();
    return m.line >= 0 ? m.line + 1 : 0;
}

std::vector<char32_t> code_points(const std::string& s) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k < len && i + static_cast<std::size_t>(k) < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        out.push_back(cp);
        i += static_cast<std::size_t>(len);
    }
    return out;
}
}  // namespace

void Issues::error(const std::string& path, const std::string& message, const YAML::Node& at) {
    m_errors.push_back({path, message, line_of(at)});
}
void Issues::warning(const std::string& path, const std::string& message, const YAML::Node& at) {
    m_warnings.push_back({path, message, line_of(at)});
}
void Issues::append(const Issues& other) {
    m_errors.insert(m_errors.end(), other.m_errors.begin(), other.m_errors.end());
    m_warnings.insert(m_warnings.end(), other.m_warnings.begin(), other.m_warnings.end());
}
void Issues::throw_if_errors(const std::string& file) const {
    if (m_errors.empty()) return;
    std::string msg = std::to_string(m_errors.size()) + (m_errors.size() == 1 ? " error" : " errors") + " in " + file;
    for (const auto& e : m_errors) msg += "\n  " + e.to_string();
    throw UsageError(msg);
}

std::string key_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}
std::string index_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

std::size_t edit_distance(const std::string& a8, const std::string& b8) {
    const auto a = code_points(a8), b = code_points(b8);
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string suggest(const std::string& word, const std::vector<std::string>& allowed) {
    std::string best;
    std::size_t best_d = static_cast<std::size_t>(-1);
    for (const auto& cand : allowed) {
        const std::size_t d = edit_distance(word, cand);
        if (d < best_d) best_d = d, best = cand;
    }
    // a typo changes a few characters; accept up to a third of the word (at least 2)
    const std::size_t limit = std::max<std::size_t>(2, code_points(word).size() / 3);
    return best_d <= limit ? best : std::string();
}

std::string unknown_key_message(const std::string& key, const std::vector<std::string>& allowed) {
    const auto s = suggest(key, allowed);
    if (!s.empty()) return "unknown key '" + key + "'; did you mean '" + s + "'?";
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return "unknown key '" + key + "'; expected one of: " + list;
}

bool check_map(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed,
               Issues& issues) {
    if (!node.IsMap()) {
        issues.error(path, "expected a mapping (key: value pairs)", node);
        return false;
    }
    for (const auto& kv : node) {
        const auto key = kv.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            issues.error(key_path(path, key), unknown_key_message(key, allowed), kv.first);
    }
    return true;
}

std::optional<double> as_number(const YAML::Node& node) {
    if (!node.IsScalar()) return std::nullopt;
    const std::string& s = node.Scalar();
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<std::string> get_string(const YAML::Node& map, const std::string& key, const std::string& path,
                                      Issues& issues, bool required) {
    const auto n = map[key];
    if (!n.IsDefined() || n.IsNull()) {
        if (required) issues.error(key_path(path, key), "required key is missing", map);
        return std::nullopt;
    }
    if (!n.IsScalar()) {
        issues.error(key_path(path, key), "expected a text value", n);
        return std::nullopt;
    }
    return n.Scalar();
}

std::optional<double> get_number(const YAML::Node& map, const std::string& key, const std::string& path,
                                 Issues& issues, bool required) {
    const auto n = map[key];
    if (!n.IsDefined() || n.IsNull()) {
        if (required) issues.error(key_path(path, key), "required key is missing", map);
        return std::nullopt;
    }
    auto v = as_number(n);
    if (!v) issues.error(key_path(path, key), "expected a number", n);
    return v;
}

std::optional<bool> get_bool(const YAML::Node& map, const std::string& key, const std::string& path,
                             Issues& issues, bool required) {
    const auto n = map[key];
    if (!n.IsDefined() || n.IsNull()) {
        if (required) issues.error(key_path(path, key), "required key is missing", map);
        return std::nullopt;
    }
    if (n.IsScalar()) {
        const auto& s = n.Scalar();
        if (s == "true" || s == "yes" || s == "on") return true;
        if (s == "false" || s == "no" || s == "off") return false;
    }
    issues.error(key_path(path, key), "expected true or false", n);
    return std::nullopt;
}

nlohmann::json yaml_to_json(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined: return nullptr;
        case YAML::NodeType::Scalar: {
            const auto& s = node.Scalar();
            if (node.Tag() != "!") {  // unquoted: numbers and booleans keep their type
                if (auto v = as_number(node)) {
                    if (s.find_first_of(".eE") == std::string::npos && std::abs(*v) < 9e15)
                        return static_cast<long long>(*v);
                    return *v;
                }
                if (s == "true") return true;
                if (s == "false") return false;
                if (s == "~" || s == "null") return nullptr;
            }
            return s;
        }
        case YAML::NodeType::Sequence: {
            auto arr = nlohmann::json::array();
            for (const auto& item : node) arr.push_back(yaml_to_json(item));
            return arr;
        }
        case YAML::NodeType::Map: {
            auto obj = nlohmann::json::object();
            for (const auto& kv : node) obj[kv.first.Scalar()] = yaml_to_json(kv.second);
            return obj;
        }
    }
    return nullptr;
}

}  // namespace citycheck::engine
