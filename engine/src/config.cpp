// healthcheck.yaml parsing: structure, names, parameters and references, every error in one pass.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/config.hpp>
#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/engine/indicator_parse.hpp>
#include <citycheck/engine/primitive_params.hpp>

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace citycheck::engine {

namespace fs = std::filesystem;

const std::vector<std::pair<ZoneLevel, std::pair<std::string, std::string>>> ZONE_LEVELS = {
    {ZoneLevel::city, {"市", "city"}},
    {ZoneLevel::district, {"区", "district"}},
    {ZoneLevel::subdistrict, {"街道", "subdistrict"}},
    {ZoneLevel::community, {"社区", "community"}},
};

const std::vector<std::string> DATASET_ROLES = {"image", "landcover", "landuse", "roads", "facilities", "points",
                                                "lines", "polygons", "boundary", "population", "raster", "greenways"};

std::string level_zh(ZoneLevel l) { return ZONE_LEVELS[static_cast<std::size_t>(l)].second.first; }
std::string level_en(ZoneLevel l) { return ZONE_LEVELS[static_cast<std::size_t>(l)].second.second; }
std::optional<ZoneLevel> parse_level(const std::string& t) {
    for (const auto& [l, names] : ZONE_LEVELS)
        if (t == names.first || t == names.second) return l;
    return std::nullopt;
}

const ConfiguredIndicator* HealthCheckConfig::find_indicator(const std::string& id) const {
    for (const auto& i : indicators)
        if (i.spec.id == id) return &i;
    return nullptr;
}

namespace {
const std::vector<std::string> TOP_KEYS = {"version", "city", "year", "crs", "zones", "datasets", "indicators", "scoring", "outputs"};
const std::vector<std::string> ZONE_KEYS = {"path", "layer", "id_field", "name_field", "parent_field", "where", "crs"};
const std::vector<std::string> DATASET_KEYS = {"path", "layer", "role", "where", "crs", "coords", "encoding", "description"};
const std::vector<std::string> OVERRIDE_KEYS = {"id", "enabled", "weight", "params", "target", "name", "dimensions"};
const std::vector<std::string> SCORING_KEYS = {"tolerance", "grades", "survey"};
const std::vector<std::string> OUTPUT_KEYS = {"dir", "csv_bom", "formats"};

std::vector<std::string> level_names() {
    std::vector<std::string> v;
    for (const auto& [l, n] : ZONE_LEVELS) v.push_back(n.first), v.push_back(n.second);
    return v;
}

bool valid_dataset_name(const std::string& n) {
    return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

fs::path resolve(const fs::path& base, const std::string& p) {
    fs::path path(p);
    return path.is_absolute() ? path : (base / path).lexically_normal();
}

void parse_zones(const YAML::Node& node, const fs::path& base, HealthCheckConfig& cfg, Issues& issues) {
    if (!node.IsDefined()) {
        issues.error("zones", "required key is missing (zones at one or more of the levels 市, 区, 街道, 社区)");
        return;
    }
    if (!check_map(node, "zones", level_names(), issues)) return;
    for (const auto& kv : node) {
        const auto key = kv.first.Scalar();
        const auto level = parse_level(key);
        if (!level) continue;  // reported by check_map
        const auto path = key_path("zones", key);
        if (std::any_of(cfg.zones.begin(), cfg.zones.end(), [&](const ZoneSource& z) { return z.level == *level; })) {
            issues.error(path, "level " + level_zh(*level) + " is given twice", kv.first);
            continue;
        }
        const auto& z = kv.second;
        if (!check_map(z, path, ZONE_KEYS, issues)) continue;
        ZoneSource src;
        src.level = *level;
        if (auto p = get_string(z, "path", path, issues, true)) src.path = resolve(base, *p);
        src.layer = get_string(z, "layer", path, issues, false).value_or("");
        src.id_field = get_string(z, "id_field", path, issues, true).value_or("");
        src.name_field = get_string(z, "name_field", path, issues, false).value_or("");
        src.parent_field = get_string(z, "parent_field", path, issues, false).value_or("");
        src.where = get_string(z, "where", path, issues, false).value_or("");
        src.crs = get_string(z, "crs", path, issues, false).value_or("");
        cfg.zones.push_back(src);
    }
    std::sort(cfg.zones.begin(), cfg.zones.end(), [](const ZoneSource& a, const ZoneSource& b) { return a.level < b.level; });
    if (!cfg.zones.empty() && !cfg.zones.front().parent_field.empty())
        issues.error(key_path(key_path("zones", level_zh(cfg.zones.front().level)), "parent_field"),
                     "the coarsest configured level has no parent level", node);
}

void parse_datasets(const YAML::Node& node, const fs::path& base, HealthCheckConfig& cfg, Issues& issues) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) {
        issues.error("datasets", "expected a mapping of dataset name → {path, role, …}", node);
        return;
    }
    for (const auto& kv : node) {
        const auto name = kv.first.Scalar();
        const auto path = key_path("datasets", name);
        if (!valid_dataset_name(name)) issues.error(path, "dataset names use letters, digits and _ only", kv.first);
        if (!check_map(kv.second, path, DATASET_KEYS, issues)) continue;
        DatasetSource d;
        d.name = name;
        if (auto p = get_string(kv.second, "path", path, issues, true)) d.path = resolve(base, *p);
        d.layer = get_string(kv.second, "layer", path, issues, false).value_or("");
        if (auto r = get_string(kv.second, "role", path, issues, true)) {
            d.role = *r;
            if (std::find(DATASET_ROLES.begin(), DATASET_ROLES.end(), *r) == DATASET_ROLES.end()) {
                const auto s = suggest(*r, DATASET_ROLES);
                std::string list;
                for (const auto& x : DATASET_ROLES) list += (list.empty() ? "" : ", ") + x;
                issues.error(key_path(path, "role"), "unknown role '" + *r + "'; " + (s.empty() ? "expected one of: " + list : "did you mean '" + s + "'?"),
                             kv.second["role"]);
            }
        }
        d.where = get_string(kv.second, "where", path, issues, false).value_or("");
        d.crs = get_string(kv.second, "crs", path, issues, false).value_or("");
        d.encoding = get_string(kv.second, "encoding", path, issues, false).value_or("");
        if (auto c = get_string(kv.second, "coords", path, issues, false)) {
            try {
                d.coords = spatial::parse_coord_system(*c);
            } catch (const Error& e) {
                issues.error(key_path(path, "coords"), e.what(), kv.second["coords"]);
            }
        }
        d.description = get_string(kv.second, "description", path, issues, false).value_or("");
        cfg.datasets[name] = d;
    }
}

// Merges override params into the built-in ones; an explicit null removes a parameter.
void merge_params(nlohmann::json& base, const nlohmann::json& over) {
    for (auto it = over.begin(); it != over.end(); ++it) {
        if (it.value().is_null())
            base.erase(it.key());
        else
            base[it.key()] = it.value();
    }
}

struct Entry {
    ConfiguredIndicator ind;
    std::string path;
    YAML::Node node;
    bool enabled = true;
};

void parse_indicators(const YAML::Node& node, const Catalog& catalog, std::vector<Entry>& entries,
                      std::set<std::string>& disabled, Issues& issues) {
    if (!node.IsDefined()) {
        issues.error("indicators", "required key is missing (a list of indicators; `- builtin: all` enables the whole catalogue)");
        return;
    }
    if (!node.IsSequence()) {
        issues.error("indicators", "expected a list", node);
        return;
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const auto path = index_path("indicators", i);
        const auto& n = node[i];
        if (n.IsMap() && n["builtin"].IsDefined()) {
            if (!check_map(n, path, {"builtin"}, issues)) continue;
            if (n["builtin"].Scalar() != "all") {
                issues.error(key_path(path, "builtin"), "only 'all' is supported (enables every built-in indicator)", n["builtin"]);
                continue;
            }
            for (const auto& s : catalog.indicators()) {
                Entry e;
                e.ind.spec = s;
                e.ind.index = i;
                e.path = path + "(" + s.id + ")";
                e.node = n;
                entries.push_back(e);
            }
            continue;
        }
        if (!n.IsMap()) {
            issues.error(path, "expected a mapping ({id: …} or a full definition with primitive:)", n);
            continue;
        }
        const auto id = n["id"].IsDefined() && n["id"].IsScalar() ? n["id"].Scalar() : std::string();
        const bool custom = n["primitive"].IsDefined();
        const IndicatorSpec* builtin = id.empty() ? nullptr : catalog.find(id);
        Entry e;
        e.path = path;
        e.node = n;
        e.ind.index = i;
        if (custom) {
            if (builtin) {
                issues.error(key_path(path, "id"), "'" + id + "' is a built-in indicator: drop `primitive` to override it, or choose another id", n["id"]);
                continue;
            }
            auto keys = INDICATOR_KEYS;
            keys.push_back("enabled");
            keys.push_back("weight");
            parse_indicator_fields(n, path, keys, false, e.ind.spec, issues);
            for (const char* k : {"name", "unit", "primitive"})
                if (!n[k].IsDefined()) issues.error(key_path(path, k), "required key is missing for a city-defined indicator", n);
            if (e.ind.spec.confidence.empty()) e.ind.spec.confidence = "confirmed";
            check_indicator(e.ind.spec, path, issues, n);
        } else {
            if (id.empty()) {
                issues.error(key_path(path, "id"), "required key is missing", n);
                continue;
            }
            if (!builtin) {
                const auto s = suggest(id, catalog.ids());
                issues.error(key_path(path, "id"), "unknown built-in indicator '" + id + "'" +
                                                       (s.empty() ? "" : "; did you mean '" + s + "'?") +
                                                       " (to define your own indicator, give its primitive)", n["id"]);
                continue;
            }
            if (!check_map(n, path, OVERRIDE_KEYS, issues)) continue;
            e.ind.spec = *builtin;
            e.ind.overridden = n.size() > 1;
            if (n["params"].IsDefined()) {
                if (!n["params"].IsMap())
                    issues.error(key_path(path, "params"), "expected a mapping of parameters", n["params"]);
                else
                    merge_params(e.ind.spec.params, yaml_to_json(n["params"]));
            }
            IndicatorSpec over;
            parse_indicator_fields(n, path, {}, false, over, issues, false);
            if (n["target"].IsDefined()) {
                const auto tp = key_path(path, "target");
                if (n["target"].IsNull()) {
                    e.ind.spec.target.reset();  // not scored
                } else if (n["target"].IsMap() && !n["target"]["op"].IsDefined() && e.ind.spec.target) {
                    // a partial target ({value: 85}) keeps the built-in direction
                    YAML::Node t = YAML::Clone(n["target"]);
                    t["op"] = to_string(e.ind.spec.target->op);
                    auto parsed = parse_target(t, tp, issues);
                    if (parsed && !n["target"]["source"].IsDefined()) parsed->source = "city-set (default: " + e.ind.spec.target->source + ")";
                    e.ind.spec.target = parsed;
                } else {
                    e.ind.spec.target = parse_target(n["target"], tp, issues);
                }
            }
            if (n["name"].IsDefined()) e.ind.spec.name = over.name;
            if (n["dimensions"].IsDefined()) e.ind.spec.dimensions = over.dimensions;
            check_indicator(e.ind.spec, path, issues, n);
        }
        if (auto en = get_bool(n, "enabled", path, issues, false)) e.enabled = *en;
        if (auto w = get_number(n, "weight", path, issues, false)) {
            if (*w < 0) issues.error(key_path(path, "weight"), "must be at least 0", n["weight"]);
            e.ind.weight = *w;
        }
        if (!id.empty() && seen.count(id)) {
            issues.error(key_path(path, "id"), "indicator '" + id + "' is listed twice", n["id"]);
            continue;
        }
        seen.insert(id);
        if (!e.enabled) {
            disabled.insert(id);
            continue;
        }
        // An explicit entry replaces one brought in by `builtin: all`.
        entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const Entry& x) { return x.ind.spec.id == id; }), entries.end());
        entries.push_back(e);
    }
    entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const Entry& x) { return disabled.count(x.ind.spec.id) > 0; }),
                  entries.end());
}

void parse_scoring(const YAML::Node& node, const fs::path& base, ScoringConfig& sc, Issues& issues) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!check_map(node, "scoring", SCORING_KEYS, issues)) return;
    if (auto t = get_number(node, "tolerance", "scoring", issues, false)) {
        if (*t < 0 || *t >= 1) issues.error("scoring.tolerance", "expected a fraction in [0, 1), e.g. 0.1 for 10 %", node["tolerance"]);
        sc.tolerance = *t;
    }
    if (node["grades"].IsDefined()) {
        const auto g = node["grades"];
        if (check_map(g, "scoring.grades", {"优", "良", "中"}, issues)) {
            sc.grade_excellent = get_number(g, "优", "scoring.grades", issues, false).value_or(sc.grade_excellent);
            sc.grade_good = get_number(g, "良", "scoring.grades", issues, false).value_or(sc.grade_good);
            sc.grade_fair = get_number(g, "中", "scoring.grades", issues, false).value_or(sc.grade_fair);
            if (!(sc.grade_excellent > sc.grade_good && sc.grade_good > sc.grade_fair))
                issues.error("scoring.grades", "cut-offs must decrease: 优 > 良 > 中", g);
        }
    }
    if (node["survey"].IsDefined()) {
        const auto s = node["survey"];
        if (check_map(s, "scoring.survey", {"path", "weight"}, issues)) {
            SurveyConfig sv;
            if (auto p = get_string(s, "path", "scoring.survey", issues, true)) sv.path = resolve(base, *p);
            if (auto w = get_number(s, "weight", "scoring.survey", issues, false)) {
                if (*w < 0 || *w > 1) issues.error("scoring.survey.weight", "expected a fraction in [0, 1]", s["weight"]);
                sv.weight = *w;
            }
            sc.survey = sv;
        }
    }
}

void parse_outputs(const YAML::Node& node, const fs::path& base, OutputConfig& oc, Issues& issues) {
    oc.dir = base / "out";
    if (!node.IsDefined() || node.IsNull()) return;
    if (!check_map(node, "outputs", OUTPUT_KEYS, issues)) return;
    if (auto d = get_string(node, "dir", "outputs", issues, false)) oc.dir = resolve(base, *d);
    if (auto b = get_bool(node, "csv_bom", "outputs", issues, false)) oc.csv_bom = *b;
    if (node["formats"].IsDefined()) {
        if (!node["formats"].IsSequence()) {
            issues.error("outputs.formats", "expected a list (csv, gpkg, json)", node["formats"]);
        } else {
            oc.formats.clear();
            for (std::size_t i = 0; i < node["formats"].size(); ++i) {
                const auto f = node["formats"][i].Scalar();
                if (f != "csv" && f != "gpkg" && f != "json")
                    issues.error(index_path("outputs.formats", i), "unknown format '" + f + "' (csv, gpkg, json)", node["formats"][i]);
                else
                    oc.formats.push_back(f);
            }
        }
    }
}
}  // namespace

ParsedConfig parse_healthcheck_text(const std::string& text, const fs::path& file, const Catalog& catalog) {
    ParsedConfig out;
    auto& cfg = out.config;
    auto& issues = out.issues;
    cfg.file = fs::absolute(file);
    const fs::path base = cfg.file.parent_path();
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        issues.error("", "YAML syntax error: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")");
        return out;
    }
    if (!check_map(root, "", TOP_KEYS, issues)) return out;

    if (auto v = get_number(root, "version", "", issues, true)) {
        if (*v != HEALTHCHECK_VERSION)
            issues.error("version", "unsupported version " + root["version"].Scalar() + "; this citycheck reads version " +
                                        std::to_string(HEALTHCHECK_VERSION), root["version"]);
        cfg.version = static_cast<int>(*v);
    }
    cfg.city = get_string(root, "city", "", issues, false).value_or("");
    if (auto y = get_number(root, "year", "", issues, false)) cfg.year = static_cast<int>(*y);
    cfg.crs = get_string(root, "crs", "", issues, false).value_or("");

    parse_zones(root["zones"], base, cfg, issues);
    parse_datasets(root["datasets"], base, cfg, issues);
    parse_scoring(root["scoring"], base, cfg.scoring, issues);
    parse_outputs(root["outputs"], base, cfg.outputs, issues);

    std::vector<Entry> entries;
    std::set<std::string> disabled;
    parse_indicators(root["indicators"], catalog, entries, disabled, issues);

    // Bring in built-in operands of per_capita/expression indicators that were not listed (helpers).
    for (std::size_t k = 0; k < entries.size(); ++k) {
        for (const auto& ref : indicator_refs(entries[k].ind.spec.primitive, entries[k].ind.spec.params)) {
            if (std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.ind.spec.id == ref; })) continue;
            const auto path = key_path(entries[k].path, "params");
            if (disabled.count(ref)) {
                issues.error(path, "uses indicator '" + ref + "', which is disabled", entries[k].node);
            } else if (const auto* b = catalog.find(ref)) {
                Entry e;
                e.ind.spec = *b;
                e.ind.spec.helper = e.ind.spec.helper || !b->target;  // brought in as an operand
                e.ind.index = entries[k].ind.index;
                e.path = ref;
                entries.push_back(e);
            } else {
                std::vector<std::string> known = catalog.ids();
                for (const auto& e : entries) known.push_back(e.ind.spec.id);
                const auto s = suggest(ref, known);
                issues.error(path, "uses unknown indicator '" + ref + "'" + (s.empty() ? "" : "; did you mean '" + s + "'?"), entries[k].node);
            }
        }
    }
    // Cycles among derived indicators.
    {
        std::map<std::string, std::vector<std::string>> deps;
        for (const auto& e : entries) deps[e.ind.spec.id] = indicator_refs(e.ind.spec.primitive, e.ind.spec.params);
        std::map<std::string, int> state;
        std::function<bool(const std::string&)> cyclic = [&](const std::string& id) {
            if (state[id] == 1) return true;
            if (state[id] == 2) return false;
            state[id] = 1;
            for (const auto& d : deps[id])
                if (deps.count(d) && cyclic(d)) return true;
            state[id] = 2;
            return false;
        };
        for (const auto& e : entries)
            if (state[e.ind.spec.id] == 0 && cyclic(e.ind.spec.id))
                issues.error(e.path, "indicator '" + e.ind.spec.id + "' depends on itself through its operands", e.node);
    }
    // Dataset references and roles.
    for (const auto& e : entries) {
        const auto* info = find_primitive_info(e.ind.spec.primitive);
        if (!info) continue;
        for (const auto& ref : dataset_refs(*info, e.ind.spec.params)) {
            const auto path = key_path(key_path(e.path, "params"), ref.param);
            const YAML::Node at = e.node.IsMap() && e.node["params"].IsDefined() && e.node["params"][ref.param].IsDefined()
                                      ? e.node["params"][ref.param] : e.node;
            auto it = cfg.datasets.find(ref.dataset);
            if (it == cfg.datasets.end()) {
                std::vector<std::string> names;
                for (const auto& [n, d] : cfg.datasets) names.push_back(n);
                const auto s = suggest(ref.dataset, names);
                issues.error(path, "dataset '" + ref.dataset + "' is not defined under datasets:" +
                                       (s.empty() ? "" : " (did you mean '" + s + "'?)") +
                                       " — add it, or point this parameter at one of yours", at);
                continue;
            }
            if (!ref.spec->roles.empty() && !it->second.role.empty() &&
                std::find(ref.spec->roles.begin(), ref.spec->roles.end(), it->second.role) == ref.spec->roles.end()) {
                std::string list;
                for (const auto& r : ref.spec->roles) list += (list.empty() ? "" : ", ") + r;
                issues.error(path, "dataset '" + ref.dataset + "' has role '" + it->second.role + "', but this parameter takes a dataset with role " + list, at);
            }
        }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.ind.index < b.ind.index; });
    for (auto& e : entries) cfg.indicators.push_back(e.ind);
    if (cfg.indicators.empty() && issues.ok()) issues.error("indicators", "no indicator is enabled");
    return out;
}

ParsedConfig parse_healthcheck(const fs::path& file, const Catalog& catalog) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw UsageError("cannot read the health-check file '" + file.string() + "'", ErrorContext{file.string()});
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_healthcheck_text(ss.str(), file, catalog);
}

HealthCheckConfig load_healthcheck(const fs::path& file, const Catalog& catalog) {
    auto parsed = parse_healthcheck(file, catalog);
    parsed.issues.throw_if_errors(file.string());
    return parsed.config;
}

}  // namespace citycheck::engine
