#pragma once
// Reading indicator entries (catalogue files and healthcheck.yaml share the schema) with every
// problem collected into Issues.
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include <citycheck/engine/catalog.hpp>
#include <citycheck/engine/yaml_check.hpp>

namespace citycheck::engine {

extern const std::vector<std::string> INDICATOR_KEYS;  // id name dimensions unit primitive params target …
extern const std::vector<std::string> TARGET_KEYS;     // op value min max source confidence note

std::optional<Target> parse_target(const YAML::Node& node, const std::string& path, Issues& issues);

// Reads the descriptive fields present in node into spec (id, name, dimensions, unit, primitive,
// params, target, confidence …). Keys not in allowed are errors (no key check when allowed is
// empty). With complete, the fields every full definition needs (name, unit, primitive,
// confidence) are required. With with_target false, the target key is left to the caller.
void parse_indicator_fields(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed,
                            bool complete, IndicatorSpec& spec, Issues& issues, bool with_target = true);

// Checks a complete spec: id syntax, dimension and unit names, primitive and its params.
void check_indicator(const IndicatorSpec& spec, const std::string& path, Issues& issues,
                     const YAML::Node& at = YAML::Node());

bool valid_indicator_id(const std::string& id);  // [a-z][a-z0-9_]*

}  // namespace citycheck::engine
