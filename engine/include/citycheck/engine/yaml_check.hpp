#pragma once
// Helpers to validate YAML while collecting every problem in one pass, each located by its key
// path ("indicators[3].params.reach_m") and line, instead of stopping at the first one.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace citycheck::engine {

struct Issue {
    std::string path;     // key path, "indicators[3].params.reach_m"
    std::string message;  // "expected a number"
    int line = 0;         // 1-based line in the file, 0 if unknown
    std::string to_string() const;  // "indicators[3].params.reach_m: expected a number (line 12)"
};

class Issues {
  public:
    void error(const std::string& path, const std::string& message, const YAML::Node& at = YAML::Node());
    void warning(const std::string& path, const std::string& message, const YAML::Node& at = YAML::Node());
    const std::vector<Issue>& errors() const noexcept { return m_errors; }
    const std::vector<Issue>& warnings() const noexcept { return m_warnings; }
    bool ok() const noexcept { return m_errors.empty(); }
    void append(const Issues& other);
    // Throws UsageError whose message lists every error, one per line, prefixed by file.
    void throw_if_errors(const std::string& file) const;

  private:
    std::vector<Issue> m_errors;
    std::vector<Issue> m_warnings;
};

std::string key_path(const std::string& parent, const std::string& key);   // "a" + "b" → "a.b"
std::string index_path(const std::string& parent, std::size_t index);      // "a" + 3 → "a[3]"

// Levenshtein distance over Unicode code points (keys may be Chinese).
std::size_t edit_distance(const std::string& a, const std::string& b);
// The closest allowed word if it is close enough to be a likely typo, else empty.
std::string suggest(const std::string& word, const std::vector<std::string>& allowed);
// "did you mean 'x'?" or the list of allowed keys.
std::string unknown_key_message(const std::string& key, const std::vector<std::string>& allowed);

// Reports every key of map not in allowed. Returns false if node is not a map (reported).
bool check_map(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed,
               Issues& issues);

std::optional<std::string> get_string(const YAML::Node& map, const std::string& key, const std::string& path,
                                      Issues& issues, bool required);
std::optional<double> get_number(const YAML::Node& map, const std::string& key, const std::string& path,
                                 Issues& issues, bool required);
std::optional<bool> get_bool(const YAML::Node& map, const std::string& key, const std::string& path,
                             Issues& issues, bool required);
std::optional<double> as_number(const YAML::Node& node);  // scalar that parses fully as a number

// A faithful conversion (numbers stay numbers, null stays null) for parameters.
nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace citycheck::engine
