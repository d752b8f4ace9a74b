#pragma once
// Scoring (pure functions, no I/O except the survey CSV reader): value vs target → status, 0–100
// score and grade; dimension scores in both systems; overall score; the problem list (短板).
// The method is documented in docs/scoring.md.
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <citycheck/engine/catalog.hpp>
#include <citycheck/engine/config.hpp>

namespace citycheck::engine {

enum class Status { met, nearly_met, not_met, no_target, no_data, failed };
std::string status_zh(Status s);  // 达标 基本达标 未达标 无目标 无数据 计算失败
std::string status_en(Status s);  // met nearly_met not_met no_target no_data failed

struct Assessment {
    Status status = Status::no_data;
    std::optional<double> score;  // 0–100, absent unless the value and a scorable target exist
    std::string grade;            // 优 良 中 差, empty without a score
    double gap = 0;               // relative gap to the target (0 when met)
};

// Relative shortfall of value against target: 0 when met, else distance to the violated bound
// divided by |bound| (by 1 when the bound is 0, i.e. absolute units).
double relative_gap(double value, const Target& target);
bool meets(double value, const Target& target);
// value NaN → no_data; no (scorable) target → no_target.
Assessment assess(double value, const std::optional<Target>& target, const ScoringConfig& config);
std::string grade_for(double score, const ScoringConfig& config);
std::string target_text(const Target& t);  // "≥ 40", "40–60", "≤ (planned)"

// Satisfaction survey (社会满意度): CSV with columns target,score[,level][,zone_id]; target is an
// indicator id or a dimension name (安全 … 生态宜居 …); score is 0–100. Rows without level/zone
// apply everywhere; the most specific row wins.
struct SurveyRow {
    std::string target;
    std::string level;    // empty: any
    std::string zone_id;  // empty: any
    double score = 0;
};
struct SurveyTable {
    std::vector<SurveyRow> rows;
    std::optional<double> lookup(const std::string& target, const std::string& level, const std::string& zone_id) const;
};
SurveyTable load_survey_csv(const std::filesystem::path& path);  // throws InputError naming row and column

// One indicator's value in one zone, as the scorer sees it.
struct ScoreItem {
    const IndicatorSpec* spec = nullptr;
    double weight = 1.0;
    double value = std::numeric_limits<double>::quiet_NaN();
    bool failed = false;
};

struct DimensionScore {
    std::string system;     // tdt1063 | mohurd
    std::string dimension;  // 安全 …
    std::optional<double> objective;  // weighted mean of indicator scores
    std::optional<double> survey;
    std::optional<double> score;      // merged
    std::string grade;
    int indicators = 0;  // scored indicators counted
};

struct Problem {
    std::string id;
    std::string name_zh;
    double value = 0;
    std::string target;
    double gap = 0;
    Status status = Status::not_met;
};

struct ZoneScore {
    std::vector<Assessment> items;  // aligned with the input items
    std::vector<DimensionScore> dimensions;  // all 6 + 8, in the official order
    std::optional<double> overall;           // weighted mean of every scored indicator
    std::optional<double> overall_tdt1063;   // mean of the TD/T 1063 dimension scores present
    std::optional<double> overall_mohurd;    // mean of the MOHURD dimension scores present
    std::string grade;                       // of overall
    std::vector<Problem> problems;           // 短板: not met / nearly met, largest gap first
};

ZoneScore score_zone(const std::vector<ScoreItem>& items, const ScoringConfig& config, const SurveyTable* survey = nullptr,
                     const std::string& level = "", const std::string& zone_id = "");

}  // namespace citycheck::engine
