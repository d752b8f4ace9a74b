#pragma once
// The indicator catalogue: built-in indicators are data (engine/catalog/*.yaml), not code, so that
// a city's own 特色指标 is a config entry. This header holds the in-memory form of one entry.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace citycheck::engine {

// How a value is compared with its target.
enum class TargetOp { ge, gt, le, lt, eq, range };

std::string to_string(TargetOp op);                     // ">=", ">", "<=", "<", "=", "range"
std::optional<TargetOp> parse_target_op(const std::string& text);  // also accepts ≥ ≤ ＞ ＜

// A default (or city-set) target. value is absent when the standard says "≥ 规划目标": the city
// must give the number in its healthcheck.yaml before the indicator can be scored.
struct Target {
    TargetOp op = TargetOp::ge;
    std::optional<double> value;  // ge/gt/le/lt/eq
    std::optional<double> min, max;  // range (inclusive)
    std::string source;      // the standard and clause, e.g. "GB 55014-2021 2.1.4"
    std::string confidence;  // confirmed | weak | unconfirmed (INDICATORS.md ✅ / 🟡 / ⚠️)
    std::string note;
    bool scorable() const;   // has the numbers its op needs
};

struct LocalizedName {
    std::string zh;
    std::string en;
};

struct Dimensions {
    std::string tdt1063;  // 安全 创新 协调 绿色 开放 共享 (TD/T 1063-2021); empty if none
    std::string mohurd;   // 生态宜居 健康舒适 安全韧性 交通便捷 风貌特色 整洁有序 多元包容 创新活力; empty if none
};

extern const std::vector<std::string> TDT1063_DIMENSIONS;
extern const std::vector<std::string> MOHURD_DIMENSIONS;
extern const std::vector<std::string> PRIMITIVES;   // zonal area_share per_capita length_density point_density coverage share_above expression
extern const std::vector<std::string> UNITS;        // percent km2 ha m2 m2_per_person per_km2 km_per_km2 count persons ratio

// One indicator, built-in or city-defined. params stay JSON (a value type, safe to copy across
// threads); each primitive documents and validates its own parameter set.
struct IndicatorSpec {
    std::string id;  // snake_case, unique
    LocalizedName name;
    Dimensions dimensions;
    std::string unit;
    std::string primitive;
    nlohmann::json params = nlohmann::json::object();
    std::optional<Target> target;  // absent: reported, never scored (helpers such as population)
    std::string confidence;        // of the definition as a whole: confirmed | weak | unconfirmed
    std::string confidence_note;   // what is not confirmed, in words
    std::string description;       // formula in words
    std::vector<std::string> sources;  // INDICATORS.md source ids or standards
    bool helper = false;           // an input to other indicators (e.g. population), not scored
    bool builtin = false;
    std::string catalog_file;      // where a built-in came from

    // value = scale × numerator / denominator (or scale × numerator for extensive quantities);
    // primitives give SI numerators/denominators, so scale converts to the unit (percent: 100,
    // km2: 1e-6, ha: 1e-4, per_km2: 1e6, km_per_km2: 1e3, else 1).
    double scale() const;
};

class Catalog {
  public:
    // The built-in catalogue: from $CITYCHECK_CATALOG_DIR when set, else the copy embedded at build time.
    static const Catalog& builtin();
    // Parses every *.yaml in dir (sorted by name). Throws UsageError listing every problem.
    static Catalog load_dir(const std::string& dir);
    // Parses catalogue texts (name → YAML text). Throws UsageError listing every problem.
    static Catalog load_texts(const std::vector<std::pair<std::string, std::string>>& files);

    const std::vector<IndicatorSpec>& indicators() const noexcept { return m_indicators; }
    const IndicatorSpec* find(const std::string& id) const;
    std::vector<std::string> ids() const;
    std::string origin() const { return m_origin; }  // "embedded" or the folder

  private:
    std::vector<IndicatorSpec> m_indicators;
    std::map<std::string, std::size_t> m_index;
    std::string m_origin;
};

// The texts embedded at build time (generated from engine/catalog/*.yaml).
const std::vector<std::pair<std::string, std::string>>& embedded_catalog_files();

nlohmann::json to_json(const Target& t);
nlohmann::json to_json(const IndicatorSpec& s);
std::string unit_label(const std::string& unit);  // "percent" → "%", "km_per_km2" → "km/km²"

}  // namespace citycheck::engine
