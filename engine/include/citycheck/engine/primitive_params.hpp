#pragma once
// The parameter contract of each computation primitive: names, types, which parameters name
// datasets (and what geometry/role those must have) or other indicators. It is the single source
// for validating catalogue entries and healthcheck.yaml, for `citycheck list` and for the docs.
// Branches implementing a primitive read their parameters from this contract.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <citycheck/engine/yaml_check.hpp>

namespace citycheck::engine {

enum class ParamType { number, integer, string, boolean, dataset, indicator, expression, list, object, any };

enum class DataGeometry { any, point, line, polygon, raster, point_or_polygon };

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::string;
    bool required = false;
    std::string doc;
    std::vector<std::string> choices;  // for strings
    std::optional<double> min;         // for numbers (inclusive)
    DataGeometry geometry = DataGeometry::any;  // for datasets
    std::vector<std::string> roles;    // for datasets: acceptable dataset roles (empty: any)
};

struct PrimitiveInfo {
    std::string name;
    std::string summary;
    std::string numerator;    // what the numerator is, in words and units
    std::string denominator;  // "none (extensive)" for sums
    std::vector<ParamSpec> params;
};

const std::vector<PrimitiveInfo>& primitive_infos();
const PrimitiveInfo* find_primitive_info(const std::string& name);

std::string to_string(ParamType t);
std::string to_string(DataGeometry g);

// A parameter that names a dataset (for validation against `datasets:`).
struct DatasetRef {
    std::string param;    // "points"
    std::string dataset;  // "waterlogging_points"
    const ParamSpec* spec = nullptr;
};

// Checks params against the primitive's contract: unknown keys (with a suggestion), missing
// required ones, types, choices, minimums and cross-parameter rules. path is the key path of the
// params mapping ("indicators[3].params"); at is the YAML node for line numbers (may be empty).
void check_params(const PrimitiveInfo& info, const nlohmann::json& params, const std::string& path,
                  Issues& issues, const YAML::Node& at = YAML::Node());

// The dataset names params refer to (only well-typed ones).
std::vector<DatasetRef> dataset_refs(const PrimitiveInfo& info, const nlohmann::json& params);
// The indicator ids params refer to (per_capita operands, expression identifiers).
std::vector<std::string> indicator_refs(const std::string& primitive, const nlohmann::json& params);

}  // namespace citycheck::engine
