// Loading land-class schemes from YAML and classifying raw survey codes.
#include <citycheck/core/error.hpp>
#include <citycheck/spatial/land_scheme.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fnmatch.h>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#ifndef CITYCHECK_SOURCE_DIR
#define CITYCHECK_SOURCE_DIR ""
#endif

namespace citycheck::spatial {

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read the scheme file; check the path", ErrorContext{path.string(), {}, {}, {}});
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string scalar(const YAML::Node& node, const char* key, const std::string& fallback = {}) {
    const YAML::Node v = node[key];
    if (!v) return fallback;
    if (!v.IsScalar()) throw YAML::Exception(v.Mark(), std::string("'") + key + "' must be a single value");
    return v.as<std::string>();
}

std::vector<std::string> string_list(const YAML::Node& node, const char* key) {
    std::vector<std::string> out;
    const YAML::Node v = node[key];
    if (!v) return out;
    if (v.IsScalar()) {
        out.push_back(v.as<std::string>());
        return out;
    }
    if (!v.IsSequence()) throw YAML::Exception(v.Mark(), std::string("'") + key + "' must be a list of codes");
    for (const auto& item : v) out.push_back(item.as<std::string>());
    return out;
}

void reject_unknown_keys(const YAML::Node& node, std::initializer_list<const char*> known, const std::string& where) {
    for (const auto& kv : node) {
        const auto key = kv.first.as<std::string>();
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
            throw YAML::Exception(kv.first.Mark(), "unknown key '" + key + "' in " + where);
    }
}

}  // namespace

bool code_pattern_matches(std::string_view pattern, std::string_view text) {
    const std::string p(pattern), t(text);
    return fnmatch(p.c_str(), t.c_str(), 0) == 0;
}

std::filesystem::path scheme_directory() {
    if (const char* env = std::getenv("CITYCHECK_DATA_DIR"); env && *env) {
        const auto dir = std::filesystem::path(env) / "schemes";
        if (std::filesystem::is_directory(dir)) return dir;
        throw InputError("CITYCHECK_DATA_DIR is set but has no schemes/ folder: " + dir.string());
    }
    const auto dir = std::filesystem::path(CITYCHECK_SOURCE_DIR) / "engine" / "schemes";
    if (std::filesystem::is_directory(dir)) return dir;
    throw InternalError("the built-in land-class schemes were not found at " + dir.string() +
                        "; set CITYCHECK_DATA_DIR to the folder that holds schemes/");
}

std::string LandScheme::normalise_code(std::string_view raw) {
    std::size_t b = 0, e = raw.size();
    while (b < e && std::isspace(static_cast<unsigned char>(raw[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(raw[e - 1]))) --e;
    std::string out(raw.substr(b, e - b));
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // No zero padding: an integer field turns 0101 into 101, which is also a 二调 code (铁路用地);
    // such layers need a mapping file, not a guess.
    return out;
}

LandScheme LandScheme::load(const std::string& name_or_path) {
    std::filesystem::path path;
    if (name_or_path.find('/') == std::string::npos && name_or_path.find('.') == std::string::npos) {
        path = scheme_directory() / (name_or_path + ".yaml");
        if (!std::filesystem::exists(path))
            throw UsageError("unknown land-class scheme '" + name_or_path +
                             "'; use sandiao, ydyh or the path of a scheme YAML file");
    } else {
        path = name_or_path;
        if (!std::filesystem::exists(path))
            throw UsageError("scheme file not found: " + name_or_path);
    }
    return from_yaml_text(read_text(path), path.string());
}

LandScheme LandScheme::from_yaml_text(const std::string& text, const std::string& origin) {
    LandScheme s;
    s.add_yaml(text, origin, 0);
    s.resolve_groups();
    return s;
}

void LandScheme::add_yaml(const std::string& text, const std::string& origin, int depth) {
    if (depth > 4) throw InputError("scheme 'extends' chain is too deep (a cycle?)", ErrorContext{origin, {}, {}, {}});
    try {
        const YAML::Node root = YAML::Load(text);
        if (!root.IsMap()) throw YAML::Exception(root.Mark(), "a scheme file is a mapping with classes, groups or mapping");
        reject_unknown_keys(root, {"scheme", "version", "name", "source", "match", "extends", "classes", "groups", "mapping"},
                            "the scheme file");
        if (const auto base = scalar(root, "extends"); !base.empty()) {
            std::filesystem::path p = base;
            if (base.find('/') == std::string::npos && base.find('.') == std::string::npos)
                p = scheme_directory() / (base + ".yaml");
            else if (p.is_relative())
                p = std::filesystem::path(origin).parent_path() / p;
            add_yaml(read_text(p), p.string(), depth + 1);
        }
        m_origin = m_origin.empty() ? origin : m_origin + " + " + origin;
        if (const auto id = scalar(root, "scheme"); !id.empty()) m_id = id;
        if (root["name"]) {
            const auto n = root["name"];
            m_name = n.IsMap() ? scalar(n, "zh", scalar(n, "en")) : n.as<std::string>();
        }
        if (const auto m = scalar(root, "match"); !m.empty()) {
            if (m == "exact") m_match = CodeMatch::exact;
            else if (m == "hierarchical") m_match = CodeMatch::hierarchical;
            else throw YAML::Exception(root["match"].Mark(), "match must be exact or hierarchical");
        }
        for (const auto& c : root["classes"]) {
            reject_unknown_keys(c, {"code", "name", "level1", "confidence"}, "a class");
            LandClass lc{normalise_code(scalar(c, "code")), scalar(c, "name"), scalar(c, "level1"),
                         scalar(c, "confidence", "confirmed")};
            if (lc.code.empty()) throw YAML::Exception(c.Mark(), "a class needs a code");
            if (find_class(lc.code)) throw YAML::Exception(c.Mark(), "class " + lc.code + " is defined twice");
            m_classes.push_back(std::move(lc));
        }
        for (const auto& g : root["groups"]) {
            reject_unknown_keys(g, {"id", "name", "variant_of", "source", "confidence", "note", "codes", "exclude"}, "a group");
            LandGroup lg;
            lg.id = scalar(g, "id");
            if (lg.id.empty() || !std::all_of(lg.id.begin(), lg.id.end(), [](char ch) {
                    return std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) || ch == '_';
                }))
                throw YAML::Exception(g.Mark(), "a group id must be lower-case ASCII letters, digits and _ (it names output columns)");
            if (g["name"] && g["name"].IsMap()) {
                lg.name_zh = scalar(g["name"], "zh");
                lg.name_en = scalar(g["name"], "en");
            } else {
                lg.name_zh = scalar(g, "name");
            }
            lg.variant_of = scalar(g, "variant_of");
            lg.source = scalar(g, "source");
            lg.confidence = scalar(g, "confidence", "confirmed");
            lg.note = scalar(g, "note");
            lg.patterns = string_list(g, "codes");
            lg.excludes = string_list(g, "exclude");
            // A later file may redefine a group of its base.
            auto same = std::find_if(m_groups.begin(), m_groups.end(), [&](const LandGroup& x) { return x.id == lg.id; });
            if (same != m_groups.end()) *same = std::move(lg);
            else m_groups.push_back(std::move(lg));
        }
        for (const auto& m : root["mapping"]) {
            CodeMapping cm;
            if (m.IsMap() && m["pattern"]) {
                reject_unknown_keys(m, {"pattern", "class"}, "a mapping entry");
                cm = {scalar(m, "pattern"), normalise_code(scalar(m, "class"))};
            } else if (m.IsMap() && m.size() == 1) {  // short form: - "011": "0101"
                const auto kv = *m.begin();
                cm = {kv.first.as<std::string>(), normalise_code(kv.second.as<std::string>())};
            } else {
                throw YAML::Exception(m.Mark(), "a mapping entry is {pattern: CODE_OR_GLOB, class: CLASS_CODE}");
            }
            m_mappings.push_back(std::move(cm));
        }
    } catch (const YAML::Exception& e) {
        throw InputError("bad scheme file: " + std::string(e.what()), ErrorContext{origin, {}, {}, {}});
    }
}

void LandScheme::resolve_groups() {
    for (const auto& m : m_mappings)
        if (!find_class(m.class_code))
            throw InputError("mapping '" + m.pattern + "' points to class " + m.class_code + ", which the scheme does not define",
                             ErrorContext{m_origin, {}, {}, {}});
    for (auto& g : m_groups) {
        g.classes.clear();
        for (std::size_t i = 0; i < m_classes.size(); ++i) {
            const auto& code = m_classes[i].code;
            const bool in = std::any_of(g.patterns.begin(), g.patterns.end(), [&](const std::string& p) { return code_pattern_matches(p, code); });
            const bool out = std::any_of(g.excludes.begin(), g.excludes.end(), [&](const std::string& p) { return code_pattern_matches(p, code); });
            if (in && !out) g.classes.push_back(i);
        }
        if (g.classes.empty())
            throw InputError("group '" + g.id + "' matches no class of the scheme", ErrorContext{m_origin, {}, {}, {}});
    }
}

std::optional<std::size_t> LandScheme::find_class(std::string_view code) const {
    for (std::size_t i = 0; i < m_classes.size(); ++i)
        if (m_classes[i].code == code) return i;
    return std::nullopt;
}

std::optional<std::size_t> LandScheme::classify(std::string_view raw_code) const {
    const std::string code = normalise_code(raw_code);
    if (code.empty()) return std::nullopt;
    for (const auto& m : m_mappings)
        if (code_pattern_matches(m.pattern, code)) return find_class(m.class_code);
    if (auto c = find_class(code)) return c;
    if (m_match == CodeMatch::hierarchical) {
        for (std::size_t len = code.size() - 1; len >= 2; --len)
            if (auto c = find_class(std::string_view(code).substr(0, len))) return c;
    }
    return std::nullopt;
}

}  // namespace citycheck::spatial
