#pragma once
// `citycheck validate`: the config checks of parse_healthcheck plus data checks that open every
// dataset for metadata only — layers, fields, CRS, extents overlapping the zones, and whether each
// indicator has the data its primitive needs.
#include <filesystem>
#include <string>

#include <citycheck/engine/config.hpp>
#include <citycheck/engine/primitive.hpp>

namespace citycheck::engine {

struct ValidationReport {
    ParsedConfig parsed;
    Issues data;  // problems found in the data (checked only when the config parsed without errors in its data sections)
    bool ok() const { return parsed.issues.ok() && data.ok(); }
    // 0 ok, 2 config errors, 3 data errors only.
    int exit_code() const;
    std::string text() const;  // human-readable report (errors, then warnings, then a summary)
};

ValidationReport validate_healthcheck(const std::filesystem::path& file, bool check_data = true,
                                      const PrimitiveRegistry& registry = PrimitiveRegistry::builtin());

}  // namespace citycheck::engine
