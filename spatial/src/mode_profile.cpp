#include <citycheck/spatial/mode_profile.hpp>

#include <fstream>

#include <citycheck/core/error.hpp>

namespace citycheck::spatial {

const std::string* Tags::get(std::string_view key) const {
    for (const auto& [k, v] : items)
        if (k == key) return &v;
    return nullptr;
}

void Tags::set(std::string key, std::string value) {
    for (auto& [k, v] : items)
        if (k == key) {
            v = std::move(value);
            return;
        }
    items.emplace_back(std::move(key), std::move(value));
}

namespace {
// Reads a quoted string at text[i] == '"'; returns the position after the closing quote.
std::size_t read_quoted(std::string_view text, std::size_t i, std::string& out) {
    out.clear();
    ++i;
    while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        out.push_back(text[i++]);
    }
    return i < text.size() ? i + 1 : i;
}
}  // namespace

void parse_other_tags(std::string_view text, Tags& out) {
    std::size_t i = 0;
    std::string key, value;
    while (i < text.size()) {
        while (i < text.size() && text[i] != '"') ++i;
        if (i >= text.size()) break;
        i = read_quoted(text, i, key);
        while (i < text.size() && text[i] != '"') ++i;  // skip =>
        if (i >= text.size()) break;
        i = read_quoted(text, i, value);
        out.set(key, value);
    }
}

bool ModeProfile::allows(const Tags& tags) const {
    const std::string* hw = tags.get("highway");
    if (!hw || hw->empty()) return false;
    for (const auto& rule : exclude) {
        const std::string* v = tags.get(rule.tag);
        if (!v) continue;
        for (const auto& s : rule.substrings)
            if (v->find(s) != std::string::npos) return false;
    }
    return true;
}

double ModeProfile::speed_for(const std::string& cls) const {
    auto it = speed_kmh.find(cls);
    return it != speed_kmh.end() ? it->second : default_speed_kmh;
}

std::vector<std::string> mode_profile_names() { return {"walk", "bike", "drive", "all"}; }

ModeProfile mode_profile(const std::string& name) {
    ModeProfile p;
    p.name = name;
    const TagRule no_area{"area", {"yes"}};
    const TagRule no_private{"access", {"private"}};
    if (name == "walk") {
        // OSMnx 1.2.3 network_type="walk" (REFERENCE.md): trunk and primary stay; motorway* go ("motor").
        p.exclude = {no_area,
                     {"highway",
                      {"abandoned", "bus_guideway", "construction", "cycleway", "motor", "planned", "platform",
                       "proposed", "raceway"}},
                     {"foot", {"no"}},
                     {"service", {"private"}},
                     no_private};
        p.default_speed_kmh = 4.8;
    } else if (name == "bike") {
        p.exclude = {no_area,
                     {"highway",
                      {"abandoned", "bus_guideway", "construction", "corridor", "elevator", "escalator", "footway",
                       "motor", "planned", "platform", "proposed", "raceway", "steps"}},
                     {"bicycle", {"no"}},
                     {"service", {"private"}},
                     no_private};
        p.default_speed_kmh = 15;
    } else if (name == "drive") {
        p.exclude = {no_area,
                     {"highway",
                      {"abandoned", "bridleway", "bus_guideway", "construction", "corridor", "cycleway", "elevator",
                       "escalator", "footway", "path", "pedestrian", "planned", "platform", "proposed", "raceway",
                       "service", "steps", "track"}},
                     {"motor_vehicle", {"no"}},
                     {"motorcar", {"no"}},
                     {"service", {"alley", "driveway", "emergency_access", "parking", "parking_aisle", "private"}},
                     no_private};
        p.respect_oneway = true;
        p.default_speed_kmh = 30;
        // Nominal free-flow speeds (km/h); no Chinese standard fixes them (INDICATORS.md P7).
        p.speed_kmh = {{"motorway", 100}, {"motorway_link", 60}, {"trunk", 80},       {"trunk_link", 50},
                       {"primary", 60},   {"primary_link", 40},  {"secondary", 50},   {"secondary_link", 35},
                       {"tertiary", 40},  {"tertiary_link", 30}, {"unclassified", 30}, {"residential", 30},
                       {"living_street", 10}, {"road", 30}};
    } else if (name == "all") {
        p.exclude = {no_area};
    } else {
        throw UsageError("unknown mode '" + name + "'; use walk, bike, drive or all");
    }
    return p;
}

int oneway_direction(const ModeProfile& profile, const Tags& tags) {
    if (!profile.respect_oneway) return 0;
    const std::string* ow = tags.get("oneway");
    if (ow) {
        if (*ow == "yes" || *ow == "true" || *ow == "1") return 1;
        if (*ow == "-1" || *ow == "reverse") return -1;
        if (*ow == "no" || *ow == "false" || *ow == "0") return 0;
    }
    const std::string* hw = tags.get("highway");
    const std::string* junction = tags.get("junction");
    if ((hw && *hw == "motorway") || (junction && *junction == "roundabout")) return 1;
    return 0;
}

ClassMapping ClassMapping::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError("cannot read the class mapping file", {.file = path});
    ClassMapping m;
    std::string line;
    int lineno = 0;
    auto trim = [](std::string s) {
        const auto b = s.find_first_not_of(" \t\r");
        const auto e = s.find_last_not_of(" \t\r");
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    while (std::getline(in, line)) {
        ++lineno;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        const auto comma = line.rfind(',');
        if (comma == std::string::npos)
            throw InputError("expected 'value,highway_class'", {.file = path, .feature = "line " + std::to_string(lineno)});
        std::string value = trim(line.substr(0, comma));
        std::string cls = trim(line.substr(comma + 1));
        if (value == "*")
            m.m_default = cls;
        else
            m.m_map[value] = cls;
    }
    return m;
}

std::optional<std::string> ClassMapping::map(const std::string& value) const {
    std::string cls;
    auto it = m_map.find(value);
    if (it != m_map.end())
        cls = it->second;
    else if (m_default)
        cls = *m_default;
    else
        cls = value;  // unmapped values pass through (data already using highway names)
    if (cls == "-" || cls.empty()) return std::nullopt;
    return cls;
}

}  // namespace citycheck::spatial
