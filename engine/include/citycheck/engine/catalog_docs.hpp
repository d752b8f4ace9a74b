#pragma once
// The catalogue as text: `citycheck list` (plain, --json, --markdown) and docs/indicators/.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <citycheck/engine/catalog.hpp>
#include <citycheck/engine/primitive.hpp>

namespace citycheck::engine {

std::string catalog_text(const Catalog& catalog, const PrimitiveRegistry& registry);   // one line per indicator
nlohmann::json catalog_json(const Catalog& catalog, const PrimitiveRegistry& registry);  // {indicators:[…], primitives:[…]}
std::string catalog_markdown(const Catalog& catalog, const PrimitiveRegistry& registry); // one page: table + entries
std::string indicator_markdown(const IndicatorSpec& spec, const PrimitiveRegistry& registry);
// Writes <id>.md per indicator and README.md (index) into dir; returns the files written.
std::vector<std::filesystem::path> write_catalog_docs(const Catalog& catalog, const PrimitiveRegistry& registry,
                                                      const std::filesystem::path& dir);

}  // namespace citycheck::engine
