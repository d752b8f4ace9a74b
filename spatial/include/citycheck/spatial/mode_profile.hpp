#pragma once
// Travel-mode profiles as data: which ways a mode may use (OSMnx 1.2.3 / Overpass "!~" semantics:
// a way is dropped when the tag exists and any listed substring occurs in its value), whether
// one-way tags are respected, and a speed per highway class. See docs/methods/network-coverage.md.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace citycheck::spatial {

// A way's tags (OSM) or mapped attributes (other road data). Small; looked up linearly.
struct Tags {
    std::vector<std::pair<std::string, std::string>> items;
    const std::string* get(std::string_view key) const;
    void set(std::string key, std::string value);
};

// Parses GDAL's OSM `other_tags` hstore-like string: "k"=>"v","k2"=>"v2" (backslash escapes).
void parse_other_tags(std::string_view text, Tags& out);

struct TagRule {
    std::string tag;
    std::vector<std::string> substrings;  // drop when tag exists and value contains one of these
};

struct ModeProfile {
    std::string name;
    std::vector<TagRule> exclude;
    bool respect_oneway = false;
    double default_speed_kmh = 4.8;
    std::map<std::string, double> speed_kmh;  // by highway class

    bool allows(const Tags& tags) const;  // requires a non-empty highway tag
    double speed_for(const std::string& highway_class) const;
};

// Built-in profiles: "walk", "bike", "drive" (OSMnx 1.2.3 filters) and "all" (any highway, not area=yes).
ModeProfile mode_profile(const std::string& name);
std::vector<std::string> mode_profile_names();

// One-way direction of a way for a profile: +1 forward only, -1 backward only, 0 both.
int oneway_direction(const ModeProfile& profile, const Tags& tags);

// Maps a class field of non-OSM road data to highway-like classes. File format (UTF-8 text):
// one `value,highway_class` per line, `#` comments, `*,class` for the default, class `-` drops.
class ClassMapping {
  public:
    static ClassMapping load(const std::string& path);  // throws InputError naming the line
    static ClassMapping identity() { return {}; }
    // nullopt: drop the feature; otherwise the highway class.
    std::optional<std::string> map(const std::string& value) const;
    bool empty() const noexcept { return m_map.empty() && !m_default; }
    void add(std::string value, std::string cls) { m_map[std::move(value)] = std::move(cls); }

  private:
    std::map<std::string, std::string> m_map;
    std::optional<std::string> m_default;
};

}  // namespace citycheck::spatial
