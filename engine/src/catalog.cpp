// The indicator catalogue: loading (embedded or from a folder), parsing and JSON form.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/catalog.hpp>
#include <citycheck/engine/indicator_parse.hpp>
#include <citycheck/engine/primitive_params.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace citycheck::engine {

const std::vector<std::string> TDT1063_DIMENSIONS = {"安全", "创新", "协调", "绿色", "开放", "共享"};
const std::vector<std::string> MOHURD_DIMENSIONS = {"生态宜居", "健康舒适", "安全韧性", "交通便捷",
                                                    "风貌特色", "整洁有序", "多元包容", "创新活力"};
const std::vector<std::string> PRIMITIVES = {"zonal", "area_share", "per_capita", "length_density",
                                             "point_density", "coverage", "share_above", "expression"};
const std::vector<std::string> UNITS = {"percent", "km2", "ha", "m2", "m2_per_person", "per_km2",
                                        "km_per_km2", "count", "persons", "ratio", "m_per_person"};
const std::vector<std::string> INDICATOR_KEYS = {"id", "name", "dimensions", "unit", "primitive", "params", "target",
                                                 "confidence", "confidence_note", "description", "sources", "helper"};
const std::vector<std::string> TARGET_KEYS = {"op", "value", "min", "max", "source", "confidence", "note"};
namespace {
const std::vector<std::string> CONFIDENCES = {"confirmed", "weak", "unconfirmed"};
}

std::string to_string(TargetOp op) {
    switch (op) {
        case TargetOp::ge: return ">=";
        case TargetOp::gt: return ">";
        case TargetOp::le: return "<=";
        case TargetOp::lt: return "<";
        case TargetOp::eq: return "=";
        case TargetOp::range: return "range";
    }
    return "?";
}

std::optional<TargetOp> parse_target_op(const std::string& t) {
    if (t == ">=" || t == "≥") return TargetOp::ge;
    if (t == ">" || t == "＞") return TargetOp::gt;
    if (t == "<=" || t == "≤") return TargetOp::le;
    if (t == "<" || t == "＜") return TargetOp::lt;
    if (t == "=" || t == "==") return TargetOp::eq;
    if (t == "range") return TargetOp::range;
    return std::nullopt;
}

bool Target::scorable() const {
    if (op == TargetOp::range) return min.has_value() && max.has_value();
    return value.has_value();
}

// Primitives return SI numerators/denominators (m, m², count, persons); the unit decides the factor.
double IndicatorSpec::scale() const {
    if (unit == "percent") return 100.0;
    if (unit == "km2") return 1e-6;
    if (unit == "ha") return 1e-4;
    if (unit == "per_km2") return 1e6;
    if (unit == "km_per_km2") return 1e3;
    return 1.0;
}

bool valid_indicator_id(const std::string& id) {
    if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
    return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::optional<Target> parse_target(const YAML::Node& node, const std::string& path, Issues& issues) {
    if (!check_map(node, path, TARGET_KEYS, issues)) return std::nullopt;
    Target t;
    if (auto op = get_string(node, "op", path, issues, true)) {
        if (auto parsed = parse_target_op(*op))
            t.op = *parsed;
        else
            issues.error(key_path(path, "op"), "unknown comparison '" + *op + "'; use >=, >, <=, <, = or range", node["op"]);
    }
    t.value = get_number(node, "value", path, issues, false);
    t.min = get_number(node, "min", path, issues, false);
    t.max = get_number(node, "max", path, issues, false);
    if (t.op == TargetOp::range) {
        if (t.value) issues.error(key_path(path, "value"), "a range target takes min and max, not value", node["value"]);
        if (t.min && t.max && *t.min > *t.max) issues.error(path, "range min is greater than max", node);
        if (!t.min && !t.max) issues.error(path, "a range target needs min and max", node);
    } else if (t.min || t.max) {
        issues.error(path, "min/max only apply to op: range", node);
    }
    t.source = get_string(node, "source", path, issues, false).value_or("");
    t.note = get_string(node, "note", path, issues, false).value_or("");
    t.confidence = get_string(node, "confidence", path, issues, false).value_or("");
    if (!t.confidence.empty() && std::find(CONFIDENCES.begin(), CONFIDENCES.end(), t.confidence) == CONFIDENCES.end())
        issues.error(key_path(path, "confidence"), "expected confirmed, weak or unconfirmed", node["confidence"]);
    return t;
}

void parse_indicator_fields(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed,
                            bool complete, IndicatorSpec& spec, Issues& issues, bool with_target) {
    if (!node.IsMap()) {
        issues.error(path, "expected a mapping (key: value pairs)", node);
        return;
    }
    if (!allowed.empty()) check_map(node, path, allowed, issues);
    if (auto id = get_string(node, "id", path, issues, true)) spec.id = *id;
    if (node["name"].IsDefined()) {
        const auto np = key_path(path, "name");
        if (check_map(node["name"], np, {"zh", "en"}, issues)) {
            spec.name.zh = get_string(node["name"], "zh", np, issues, true).value_or("");
            spec.name.en = get_string(node["name"], "en", np, issues, true).value_or("");
        }
    } else if (complete) {
        issues.error(key_path(path, "name"), "required key is missing ({zh: …, en: …})", node);
    }
    if (node["dimensions"].IsDefined()) {
        const auto dp = key_path(path, "dimensions");
        if (check_map(node["dimensions"], dp, {"tdt1063", "mohurd"}, issues)) {
            spec.dimensions.tdt1063 = get_string(node["dimensions"], "tdt1063", dp, issues, false).value_or("");
            spec.dimensions.mohurd = get_string(node["dimensions"], "mohurd", dp, issues, false).value_or("");
        }
    }
    if (auto u = get_string(node, "unit", path, issues, complete)) spec.unit = *u;
    if (auto p = get_string(node, "primitive", path, issues, complete)) spec.primitive = *p;
    if (node["params"].IsDefined()) {
        if (!node["params"].IsMap() && !node["params"].IsNull())
            issues.error(key_path(path, "params"), "expected a mapping of parameters", node["params"]);
        else
            for (const auto& kv : node["params"]) spec.params[kv.first.Scalar()] = yaml_to_json(kv.second);
    }
    if (with_target && node["target"].IsDefined()) {
        if (node["target"].IsNull())
            spec.target.reset();
        else
            spec.target = parse_target(node["target"], key_path(path, "target"), issues);
    }
    if (auto c = get_string(node, "confidence", path, issues, complete)) {
        spec.confidence = *c;
        if (std::find(CONFIDENCES.begin(), CONFIDENCES.end(), *c) == CONFIDENCES.end())
            issues.error(key_path(path, "confidence"), "expected confirmed, weak or unconfirmed", node["confidence"]);
    }
    if (auto c = get_string(node, "confidence_note", path, issues, false)) spec.confidence_note = *c;
    if (auto d = get_string(node, "description", path, issues, false)) spec.description = *d;
    if (node["sources"].IsDefined()) {
        if (!node["sources"].IsSequence())
            issues.error(key_path(path, "sources"), "expected a list", node["sources"]);
        else
            for (const auto& s : node["sources"]) spec.sources.push_back(s.Scalar());
    }
    if (auto h = get_bool(node, "helper", path, issues, false)) spec.helper = *h;
}

void check_indicator(const IndicatorSpec& spec, const std::string& path, Issues& issues, const YAML::Node& at) {
    if (!spec.id.empty() && !valid_indicator_id(spec.id))
        issues.error(key_path(path, "id"), "'" + spec.id + "' is not a valid id (lower-case letters, digits and _; starts with a letter)", at);
    if (!spec.dimensions.tdt1063.empty() &&
        std::find(TDT1063_DIMENSIONS.begin(), TDT1063_DIMENSIONS.end(), spec.dimensions.tdt1063) == TDT1063_DIMENSIONS.end())
        issues.error(key_path(path, "dimensions.tdt1063"), "'" + spec.dimensions.tdt1063 + "' is not a TD/T 1063 dimension (安全 创新 协调 绿色 开放 共享)", at);
    if (!spec.dimensions.mohurd.empty() &&
        std::find(MOHURD_DIMENSIONS.begin(), MOHURD_DIMENSIONS.end(), spec.dimensions.mohurd) == MOHURD_DIMENSIONS.end())
        issues.error(key_path(path, "dimensions.mohurd"), "'" + spec.dimensions.mohurd + "' is not a MOHURD dimension", at);
    if (!spec.unit.empty() && std::find(UNITS.begin(), UNITS.end(), spec.unit) == UNITS.end())
        issues.error(key_path(path, "unit"), unknown_key_message(spec.unit, UNITS).replace(0, 11, "unknown unit"), at);
    if (spec.primitive.empty()) return;
    const auto* info = find_primitive_info(spec.primitive);
    if (!info) {
        const auto s = suggest(spec.primitive, PRIMITIVES);
        issues.error(key_path(path, "primitive"), "unknown primitive '" + spec.primitive + "'" + (s.empty() ? "" : "; did you mean '" + s + "'?"), at);
        return;
    }
    const YAML::Node params_node = at.IsDefined() && at.IsMap() ? at["params"] : YAML::Node();
    check_params(*info, spec.params, key_path(path, "params"), issues, params_node.IsDefined() ? params_node : at);
}

const IndicatorSpec* Catalog::find(const std::string& id) const {
    auto it = m_index.find(id);
    return it == m_index.end() ? nullptr : &m_indicators[it->second];
}

std::vector<std::string> Catalog::ids() const {
    std::vector<std::string> out;
    for (const auto& i : m_indicators) out.push_back(i.id);
    return out;
}

Catalog Catalog::load_texts(const std::vector<std::pair<std::string, std::string>>& files) {
    Catalog cat;
    Issues issues;
    for (const auto& [name, text] : files) {
        YAML::Node root;
        try {
            root = YAML::Load(text);
        } catch (const YAML::Exception& e) {
            issues.error(name, std::string("YAML syntax: ") + e.what());
            continue;
        }
        if (!check_map(root, name, {"indicators"}, issues)) continue;
        const auto list = root["indicators"];
        if (!list.IsSequence()) {
            issues.error(key_path(name, "indicators"), "expected a list", list);
            continue;
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto path = name + ":" + index_path("indicators", i);
            IndicatorSpec spec;
            spec.builtin = true;
            spec.catalog_file = name;
            parse_indicator_fields(list[i], path, INDICATOR_KEYS, true, spec, issues);
            check_indicator(spec, path, issues, list[i]);
            if (spec.id.empty()) continue;
            if (cat.m_index.count(spec.id)) {
                issues.error(key_path(path, "id"), "duplicate indicator id '" + spec.id + "'", list[i]["id"]);
                continue;
            }
            cat.m_index[spec.id] = cat.m_indicators.size();
            cat.m_indicators.push_back(std::move(spec));
        }
    }
    // References between built-ins (per_capita operands, expression ids) must resolve.
    for (const auto& s : cat.m_indicators)
        for (const auto& ref : indicator_refs(s.primitive, s.params))
            if (!cat.find(ref)) issues.error(s.catalog_file + ":" + s.id, "refers to unknown indicator '" + ref + "'");
    issues.throw_if_errors("the indicator catalogue");
    return cat;
}

Catalog Catalog::load_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(dir)) throw UsageError("catalogue folder '" + dir + "' does not exist (CITYCHECK_CATALOG_DIR)");
    std::vector<fs::path> paths;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& p : paths) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        files.emplace_back(p.filename().string(), ss.str());
    }
    auto cat = load_texts(files);
    cat.m_origin = dir;
    return cat;
}

const Catalog& Catalog::builtin() {
    static const Catalog cat = [] {
        if (const char* dir = std::getenv("CITYCHECK_CATALOG_DIR"); dir && *dir) return load_dir(dir);
        auto c = load_texts(embedded_catalog_files());
        c.m_origin = "embedded";
        return c;
    }();
    return cat;
}

nlohmann::json to_json(const Target& t) {
    nlohmann::json j;
    j["op"] = to_string(t.op);
    if (t.value) j["value"] = *t.value;
    else if (t.op != TargetOp::range) j["value"] = nullptr;
    if (t.min) j["min"] = *t.min;
    if (t.max) j["max"] = *t.max;
    j["source"] = t.source;
    if (!t.confidence.empty()) j["confidence"] = t.confidence;
    if (!t.note.empty()) j["note"] = t.note;
    return j;
}

nlohmann::json to_json(const IndicatorSpec& s) {
    nlohmann::json j;
    j["id"] = s.id;
    j["name"] = {{"zh", s.name.zh}, {"en", s.name.en}};
    j["dimensions"] = {{"tdt1063", s.dimensions.tdt1063.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.dimensions.tdt1063)},
                       {"mohurd", s.dimensions.mohurd.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.dimensions.mohurd)}};
    j["unit"] = s.unit;
    j["primitive"] = s.primitive;
    j["params"] = s.params;
    j["target"] = s.target ? to_json(*s.target) : nlohmann::json(nullptr);
    j["confidence"] = s.confidence;
    if (!s.confidence_note.empty()) j["confidence_note"] = s.confidence_note;
    if (!s.description.empty()) j["description"] = s.description;
    j["sources"] = s.sources;
    j["helper"] = s.helper;
    j["builtin"] = s.builtin;
    return j;
}

std::string unit_label(const std::string& unit) {
    if (unit == "percent") return "%";
    if (unit == "km2") return "km²";
    if (unit == "m2") return "m²";
    if (unit == "m2_per_person") return "m²/人";
    if (unit == "m_per_person") return "m/人";
    if (unit == "per_km2") return "个/km²";
    if (unit == "km_per_km2") return "km/km²";
    if (unit == "count") return "个";
    if (unit == "persons") return "人";
    return unit;
}

}  // namespace citycheck::engine
