// Scoring: status against targets, linear gap score, grades, dimension and overall scores, 短板.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/scorer.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace citycheck::engine {

std::string status_zh(Status s) {
    switch (s) {
        case Status::met: return "达标";
        case Status::nearly_met: return "基本达标";
        case Status::not_met: return "未达标";
        case Status::no_target: return "无目标";
        case Status::no_data: return "无数据";
        case Status::failed: return "计算失败";
    }
    return "";
}

std::string status_en(Status s) {
    switch (s) {
        case Status::met: return "met";
        case Status::nearly_met: return "nearly_met";
        case Status::not_met: return "not_met";
        case Status::no_target: return "no_target";
        case Status::no_data: return "no_data";
        case Status::failed: return "failed";
    }
    return "";
}

namespace {
double rel(double diff, double bound) { return diff / (bound == 0.0 ? 1.0 : std::abs(bound)); }
constexpr double EQ_TOL = 1e-9;
}  // namespace

bool meets(double v, const Target& t) {
    switch (t.op) {
        case TargetOp::ge: return v >= *t.value;
        case TargetOp::gt: return v > *t.value;
        case TargetOp::le: return v <= *t.value;
        case TargetOp::lt: return v < *t.value;
        case TargetOp::eq: return std::abs(v - *t.value) <= EQ_TOL * std::max(1.0, std::abs(*t.value));
        case TargetOp::range: return v >= *t.min && v <= *t.max;
    }
    return false;
}

double relative_gap(double v, const Target& t) {
    if (meets(v, t)) return 0.0;
    switch (t.op) {
        case TargetOp::ge:
        case TargetOp::gt: return rel(std::max(0.0, *t.value - v), *t.value);
        case TargetOp::le:
        case TargetOp::lt: return rel(std::max(0.0, v - *t.value), *t.value);
        case TargetOp::eq: return rel(std::abs(v - *t.value), *t.value);
        case TargetOp::range: return v < *t.min ? rel(*t.min - v, *t.min) : rel(v - *t.max, *t.max);
    }
    return 0.0;
}

std::string grade_for(double score, const ScoringConfig& c) {
    if (score >= c.grade_excellent) return "优";
    if (score >= c.grade_good) return "良";
    if (score >= c.grade_fair) return "中";
    return "差";
}

Assessment assess(double value, const std::optional<Target>& target, const ScoringConfig& config) {
    Assessment a;
    if (!target || !target->scorable()) {
        a.status = std::isnan(value) ? Status::no_data : Status::no_target;
        return a;
    }
    if (std::isnan(value)) {
        a.status = Status::no_data;
        return a;
    }
    a.gap = relative_gap(value, *target);
    if (meets(value, *target))
        a.status = Status::met;
    else
        a.status = a.gap <= config.tolerance ? Status::nearly_met : Status::not_met;
    // Linear in the relative gap: meeting the target scores 100, a 10 % shortfall 90, ≥ 100 % 0.
    a.score = a.status == Status::met ? 100.0 : std::clamp(100.0 * (1.0 - a.gap), 0.0, 100.0);
    a.grade = grade_for(*a.score, config);
    return a;
}

std::string target_text(const Target& t) {
    auto num = [](double v) {
        std::ostringstream s;
        s << v;
        return s.str();
    };
    switch (t.op) {
        case TargetOp::ge: return "≥ " + (t.value ? num(*t.value) : std::string("(local)"));
        case TargetOp::gt: return "> " + (t.value ? num(*t.value) : std::string("(local)"));
        case TargetOp::le: return "≤ " + (t.value ? num(*t.value) : std::string("(local)"));
        case TargetOp::lt: return "< " + (t.value ? num(*t.value) : std::string("(local)"));
        case TargetOp::eq: return "= " + (t.value ? num(*t.value) : std::string("(local)"));
        case TargetOp::range: return (t.min ? num(*t.min) : "?") + "–" + (t.max ? num(*t.max) : "?");
    }
    return "";
}

std::optional<double> SurveyTable::lookup(const std::string& target, const std::string& level, const std::string& zone_id) const {
    std::optional<double> best;
    int best_rank = -1;
    for (const auto& r : rows) {
        if (r.target != target) continue;
        if (!r.level.empty() && r.level != level) continue;
        if (!r.zone_id.empty() && r.zone_id != zone_id) continue;
        const int rank = (r.level.empty() ? 0 : 1) + (r.zone_id.empty() ? 0 : 2);
        if (rank > best_rank) best_rank = rank, best = r.score;
    }
    return best;
}

namespace {
std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
            else if (c == '"') quoted = false;
            else cur += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else if (c != '\r') {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}
}  // namespace

SurveyTable load_survey_csv(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read the survey file", ErrorContext{path.string()});
    std::string line;
    if (!std::getline(in, line)) throw InputError("the survey file is empty", ErrorContext{path.string()});
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);  // spreadsheet BOM
    const auto header = split_csv_line(line);
    auto col = [&](const std::string& name) -> int {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return static_cast<int>(i);
        return -1;
    };
    const int c_target = col("target"), c_score = col("score"), c_level = col("level"), c_zone = col("zone_id");
    if (c_target < 0 || c_score < 0)
        throw InputError("the survey CSV needs columns target,score (optional level, zone_id)", ErrorContext{path.string()});
    SurveyTable t;
    for (int row = 2; std::getline(in, line); ++row) {
        if (line.empty() || line == "\r") continue;
        const auto f = split_csv_line(line);
        auto get = [&](int c) { return c >= 0 && static_cast<std::size_t>(c) < f.size() ? f[static_cast<std::size_t>(c)] : std::string(); };
        SurveyRow r;
        r.target = get(c_target);
        r.level = get(c_level);
        r.zone_id = get(c_zone);
        const auto s = get(c_score);
        char* end = nullptr;
        r.score = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || r.score < 0 || r.score > 100)
            throw InputError("score '" + s + "' is not a number in 0–100", ErrorContext{path.string(), "", "score", "row " + std::to_string(row)});
        t.rows.push_back(r);
    }
    return t;
}

ZoneScore score_zone(const std::vector<ScoreItem>& items, const ScoringConfig& config, const SurveyTable* survey,
                     const std::string& level, const std::string& zone_id) {
    ZoneScore z;
    const double w_survey = config.survey ? config.survey->weight : 0.0;
    auto merge = [&](std::optional<double> objective, std::optional<double> s) -> std::optional<double> {
        if (objective && s) return (1.0 - w_survey) * *objective + w_survey * *s;
        return objective;
    };
    double sum = 0, wsum = 0;
    for (const auto& item : items) {
        Assessment a;
        if (item.failed) {
            a.status = Status::failed;
        } else {
            a = assess(item.value, item.spec->target, config);
            if (a.score && survey) {
                a.score = merge(a.score, survey->lookup(item.spec->id, level, zone_id));
                a.grade = grade_for(*a.score, config);
            }
        }
        if (a.score && !item.spec->helper && item.weight > 0) {
            sum += item.weight * *a.score;
            wsum += item.weight;
        }
        if (!item.spec->helper && (a.status == Status::not_met || a.status == Status::nearly_met))
            z.problems.push_back({item.spec->id, item.spec->name.zh, item.value, target_text(*item.spec->target), a.gap, a.status});
        z.items.push_back(a);
    }
    if (wsum > 0) {
        z.overall = sum / wsum;
        z.grade = grade_for(*z.overall, config);
    }
    for (const auto& [system, names] : {std::pair{std::string("tdt1063"), &TDT1063_DIMENSIONS}, std::pair{std::string("mohurd"), &MOHURD_DIMENSIONS}}) {
        double s_sum = 0;
        int s_n = 0;
        for (const auto& dim : *names) {
            DimensionScore d;
            d.system = system;
            d.dimension = dim;
            double ds = 0, dw = 0;
            for (std::size_t i = 0; i < items.size(); ++i) {
                const auto& spec = *items[i].spec;
                const auto& my = system == "tdt1063" ? spec.dimensions.tdt1063 : spec.dimensions.mohurd;
                if (my != dim || spec.helper || !z.items[i].score || items[i].weight <= 0) continue;
                ds += items[i].weight * *z.items[i].score;
                dw += items[i].weight;
                ++d.indicators;
            }
            if (dw > 0) d.objective = ds / dw;
            if (survey) d.survey = survey->lookup(dim, level, zone_id);
            d.score = merge(d.objective, d.survey);
            if (d.score) {
                d.grade = grade_for(*d.score, config);
                s_sum += *d.score;
                ++s_n;
            }
            z.dimensions.push_back(d);
        }
        if (s_n > 0) (system == "tdt1063" ? z.overall_tdt1063 : z.overall_mohurd) = s_sum / s_n;
    }
    std::stable_sort(z.problems.begin(), z.problems.end(), [](const Problem& a, const Problem& b) { return a.gap > b.gap; });
    return z;
}

}  // namespace citycheck::engine
