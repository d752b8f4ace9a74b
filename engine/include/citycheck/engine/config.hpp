#pragma once
// healthcheck.yaml: one file describing a city's annual check — zones at four levels, datasets
// with roles, indicators (built-ins enabled or overridden by id, the city's own 特色指标, expression
// indicators), scoring and outputs. Parsing collects every error with its key path.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <citycheck/engine/catalog.hpp>
#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/engine/yaml_check.hpp>

namespace citycheck::engine {

constexpr int HEALTHCHECK_VERSION = 1;

// The four levels, coarse to fine. Config keys accept the Chinese or the English name.
enum class ZoneLevel { city = 0, district = 1, subdistrict = 2, community = 3 };
extern const std::vector<std::pair<ZoneLevel, std::pair<std::string, std::string>>> ZONE_LEVELS;  // level → {市, city}
std::string level_zh(ZoneLevel l);
std::string level_en(ZoneLevel l);
std::optional<ZoneLevel> parse_level(const std::string& text);

struct ZoneSource {
    ZoneLevel level = ZoneLevel::city;
    std::filesystem::path path;  // resolved against the healthcheck file's folder
    std::string layer;           // empty: the only/first layer
    std::string id_field;        // empty: feature id
    std::string name_field;
    std::string parent_field;    // id of the parent zone at the next coarser configured level; empty: spatial
    std::string where;
    std::string crs;             // override when the file has none or a wrong one
};

extern const std::vector<std::string> DATASET_ROLES;

struct DatasetSource {
    std::string name;  // key under datasets:
    std::filesystem::path path;
    std::string layer;
    std::string role;
    std::string where;
    std::string crs;
    std::string encoding;
    std::string description;
    // Lon/lat datum of vector layers and CSV points: GCJ-02 (Amap/Tencent) and BD-09 (Baidu) are
    // converted to WGS84 on ingest, before projecting (INDICATORS.md §7.1). Key `coords:`.
    spatial::CoordSystem coords = spatial::CoordSystem::wgs84;
};

// One indicator of this check after merging overrides into the built-in definition.
struct ConfiguredIndicator {
    IndicatorSpec spec;
    double weight = 1.0;   // in dimension and overall scores
    std::size_t index = 0; // position in indicators: (for key paths)
    bool overridden = false;
};

struct SurveyConfig {
    std::filesystem::path path;  // CSV: target,score[,level,zone_id]
    double weight = 0.2;         // share of the survey in a merged score
};

struct ScoringConfig {
    double tolerance = 0.10;  // 基本达标 band: relative gap up to this
    double grade_excellent = 90, grade_good = 75, grade_fair = 60;  // 优 / 良 / 中 cut-offs; below: 差
    std::optional<SurveyConfig> survey;
};

struct OutputConfig {
    std::filesystem::path dir;  // default <file folder>/out
    bool csv_bom = false;
    std::vector<std::string> formats = {"csv", "gpkg", "json"};
};

struct HealthCheckConfig {
    std::filesystem::path file;  // absolute
    int version = HEALTHCHECK_VERSION;
    std::string city;
    int year = 0;
    std::string crs;  // working CRS; empty: from the zones (or the GK zone of their centre)
    std::vector<ZoneSource> zones;  // coarse → fine, only configured levels
    std::map<std::string, DatasetSource> datasets;
    std::vector<ConfiguredIndicator> indicators;  // in file order
    ScoringConfig scoring;
    OutputConfig outputs;

    const ConfiguredIndicator* find_indicator(const std::string& id) const;
};

struct ParsedConfig {
    HealthCheckConfig config;
    Issues issues;  // errors make the config unusable; warnings are informative
};

// Parses and checks the file's structure, names, parameters and references (no data is opened).
// Never throws for config errors: they are all in issues. Throws UsageError if the file cannot be read.
ParsedConfig parse_healthcheck(const std::filesystem::path& file, const Catalog& catalog = Catalog::builtin());
ParsedConfig parse_healthcheck_text(const std::string& text, const std::filesystem::path& file,
                                    const Catalog& catalog = Catalog::builtin());

// Parse, then throw UsageError listing every error.
HealthCheckConfig load_healthcheck(const std::filesystem::path& file, const Catalog& catalog = Catalog::builtin());

}  // namespace citycheck::engine
