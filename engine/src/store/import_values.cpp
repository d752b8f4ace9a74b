// Department values → the store (validation first, then one transaction; see import_values.hpp).
#include <citycheck/core/error.hpp>
#include <citycheck/engine/scorer.hpp>
#include <citycheck/engine/store/import_values.hpp>
#include <citycheck/engine/store/store_db.hpp>
#include <citycheck/engine/store/store_reader.hpp>
#include <citycheck/engine/store/store_schema.hpp>
#include <citycheck/engine/store/store_writer.hpp>
#include <citycheck/engine/config.hpp>
#include <citycheck/spatial/encoding.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace citycheck::engine::store {

const std::vector<DepartmentIndicator>& department_indicators() {
    static const std::vector<DepartmentIndicator> list = {
        {"water_use_per_capita", {"人均年用水量", "Annual water use per capita"}, "m3_per_person", "安全"},
        {"groundwater_level", {"地下水水位", "Groundwater level"}, "m", "安全"},
        {"total_water_use", {"用水总量", "Total water use"}, "1e4_m3", "安全"},
        {"water_resource_utilisation", {"水资源开发利用率", "Water resource utilisation rate"}, "percent", "安全"},
        {"water_function_zone_quality", {"重要江河湖泊水功能区水质达标率", "Water-function zones meeting quality targets"}, "percent", "安全"},
        {"groundwater_supply_share", {"地下水供水量占比", "Groundwater share of water supply"}, "percent", "安全"},
        {"reclaimed_water_use", {"再生水利用率", "Reclaimed water utilisation rate"}, "percent", "安全"},
        {"high_standard_farmland_share", {"高标准农田面积占比", "High-standard farmland share"}, "percent", "安全"},
        {"illegal_land_use_adjustments", {"违法违规调整规划用地用海事件数", "Illegal planning land-use adjustments"}, "count", "安全"},
        {"disaster_reduction_community_share", {"综合减灾示范社区比例", "Disaster-reduction model community share"}, "percent", "安全"},
        {"ground_subsidence", {"年平均地面沉降量", "Mean annual ground subsidence"}, "mm", "安全"},
        {"geohazard_points", {"地质灾害隐患点", "Geological hazard points"}, "count", "安全"},
        {"flood_levee_compliance", {"防洪堤防达标率", "Flood levees up to standard"}, "percent", "安全"},
    };
    return list;
}

std::string department_unit_label(const std::string& unit) {
    if (unit == "m3_per_person") return "m³/人";
    if (unit == "1e4_m3") return "万m³";
    if (unit == "m") return "m";
    if (unit == "mm") return "mm";
    return unit_label(unit);
}

namespace {
std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// RFC 4180 records (quoted fields may hold commas, quotes and newlines).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !field.empty()) {
                row.push_back(field);
                rows.push_back(row);
            } else {
                rows.push_back({});  // blank line keeps row numbers right
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
        }
    }
    if (any || !field.empty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

std::optional<double> parse_number(const std::string& s) {
    const auto t = trim(s);
    if (t.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (!end || *end != '\0' || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::string read_text(const std::filesystem::path& csv, const std::string& encoding) {
    std::ifstream in(csv, std::ios::binary);
    if (!in) throw InputError("cannot read the file", ErrorContext{csv.string()});
    std::stringstream ss;
    ss << in.rdbuf();
    std::string bytes = ss.str();
    if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) bytes.erase(0, 3);
    std::string enc = encoding;
    std::transform(enc.begin(), enc.end(), enc.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (enc == "auto") {
        switch (spatial::classify_bytes(bytes)) {
            case spatial::TextKind::ascii:
            case spatial::TextKind::utf8: return bytes;
            case spatial::TextKind::gbk: return spatial::recode(bytes, "CP936");
            default:
                throw InputError("cannot tell the file's encoding (neither UTF-8 nor GBK); give --encoding", ErrorContext{csv.string()});
        }
    }
    if (enc == "gbk" || enc == "cp936" || enc == "gb18030") return spatial::recode(bytes, enc == "gb18030" ? "GB18030" : "CP936");
    if (enc == "utf-8" || enc == "utf8") {
        const auto k = spatial::classify_bytes(bytes);
        if (k != spatial::TextKind::utf8 && k != spatial::TextKind::ascii)
            throw InputError("the file is not valid UTF-8 (GBK? try --encoding gbk)", ErrorContext{csv.string()});
        return bytes;
    }
    throw UsageError("unknown --encoding '" + encoding + "' (auto, utf-8 or gbk)");
}

// Column name (English or Chinese) → canonical name.
std::string canonical_column(const std::string& raw) {
    std::string h = trim(raw);
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::map<std::string, std::string> aliases = {
        {"indicator_id", "indicator_id"}, {"indicator", "indicator_id"}, {"指标编号", "indicator_id"}, {"指标", "indicator_id"},
        {"zone_id", "zone_id"}, {"zone", "zone_id"}, {"zone_code", "zone_id"}, {"区划代码", "zone_id"}, {"代码", "zone_id"},
        {"value", "value"}, {"数值", "value"}, {"值", "value"},
        {"unit", "unit"}, {"单位", "unit"},
        {"level", "level"}, {"层级", "level"},
        {"numerator", "numerator"}, {"分子", "numerator"},
        {"denominator", "denominator"}, {"分母", "denominator"},
        {"note", "note"}, {"备注", "note"}, {"source", "note"}, {"来源", "note"},
    };
    auto it = aliases.find(h);
    return it == aliases.end() ? std::string() : it->second;
}

// Ways a unit is written in department tables (GBK has no ³).
std::vector<std::string> unit_spellings(const std::string& unit, const std::string& label) {
    std::vector<std::string> out = {unit, label};
    if (unit == "m3_per_person") out.insert(out.end(), {"m3/人", "立方米/人", "m³/人·年", "m3/人·年"});
    if (unit == "1e4_m3") out.insert(out.end(), {"万m3", "万立方米"});
    if (unit == "percent") out.insert(out.end(), {"％", "百分比"});
    if (unit == "m") out.push_back("米");
    if (unit == "mm") out.push_back("毫米");
    if (unit == "count") out.insert(out.end(), {"个", "处", "件"});
    return out;
}

struct Known {
    std::string unit;
    std::string label;
    std::optional<Target> target;
    bool in_run = false;
    const DepartmentIndicator* department = nullptr;
    const IndicatorSpec* spec = nullptr;
};


std::map<std::string, Known> known_indicators(const StoreReader& reader, const std::string& run_id) {
    std::map<std::string, Known> out;
    for (const auto& d : department_indicators()) out[d.id] = Known{d.unit, department_unit_label(d.unit), std::nullopt, false, &d, nullptr};
    for (const auto& s : Catalog::builtin().indicators())
        out[s.id] = Known{s.unit, unit_label(s.unit), s.target && s.target->scorable() ? s.target : std::nullopt, false, nullptr, &s};
    for (const auto& i : reader.indicators(run_id)) {
        auto& k = out[i.indicator_id];
        k.unit = i.unit;
        k.label = unit_label(i.unit);
        if (k.department) k.label = department_unit_label(i.unit);
        k.target = stored_target(i);
        k.in_run = true;
    }
    return out;
}
ScoringConfig scoring_of(const std::string& json) {
    ScoringConfig c;
    if (json.empty()) return c;
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded()) return c;
    c.tolerance = j.value("tolerance", c.tolerance);
    if (j.contains("grades") && j["grades"].is_array() && j["grades"].size() == 3) {
        c.grade_excellent = j["grades"][0].get<double>();
        c.grade_good = j["grades"][1].get<double>();
        c.grade_fair = j["grades"][2].get<double>();
    }
    const double w = j.value("survey_weight", 0.0);
    if (w > 0) c.survey = SurveyConfig{{}, w};
    return c;
}

// Dimension and overall scores of every zone of a run from its stored indicator scores (which
// already hold any indicator-level survey merge), the same way score_zone combines them; the
// dimension survey scores are kept from the copied rows.
void recompute_dimension_scores(StoreDb& db, const std::string& id, const ScoringConfig& config) {
    struct Ind {
        double weight = 1;
        bool helper = false;
        std::string tdt, mohurd;
    };
    std::map<std::string, Ind> inds;
    for (const auto& r : db.query("SELECT indicator_id, weight, helper, dimension_tdt1063, dimension_mohurd FROM run_indicators WHERE run_id = " + sql_quote(id)))
        inds[r.str("indicator_id")] = Ind{r.num("weight").value_or(1.0), r.integer("helper") != 0, r.str("dimension_tdt1063"), r.str("dimension_mohurd")};
    std::map<std::string, std::vector<std::pair<std::string, double>>> scores;  // level|zone → (indicator, score)
    for (const auto& r : db.query("SELECT indicator_id, level, zone_id, score FROM indicator_values WHERE run_id = " + sql_quote(id) + " ORDER BY fid"))
        if (auto sc = r.num("score")) scores[r.str("level") + "|" + r.str("zone_id")].emplace_back(r.str("indicator_id"), *sc);
    std::map<std::string, double> survey;  // level|zone|system|dimension → survey score
    for (const auto& r : db.query("SELECT level, zone_id, system, dimension, survey FROM dimension_scores WHERE run_id = " + sql_quote(id)))
        if (auto s = r.num("survey")) survey[r.str("level") + "|" + r.str("zone_id") + "|" + r.str("system") + "|" + r.str("dimension")] = *s;
    const auto zones = db.query("SELECT level, zone_id FROM zones WHERE run_id = " + sql_quote(id) + " ORDER BY level_rank, fid");
    db.execute("DELETE FROM dimension_scores WHERE run_id = " + sql_quote(id));
    const double w_survey = config.survey ? config.survey->weight : 0.0;
    auto opt = [](const std::optional<double>& v) { return v ? sql_number(*v) : std::string("NULL"); };
    auto grade = [&](const std::optional<double>& v) { return v ? grade_for(*v, config) : std::string(); };
    for (const auto& z : zones) {
        const std::string level = z.str("level"), zone = z.str("zone_id"), key = level + "|" + zone;
        const auto& items = scores[key];
        auto insert = [&](const std::string& system, const std::string& dim, const std::optional<double>& score,
                          const std::optional<double>& objective, const std::optional<double>& sv, int n) {
            db.execute("INSERT INTO dimension_scores (run_id, level, zone_id, system, dimension, score, objective, survey, grade, indicators) VALUES (" +
                       sql_quote(id) + ", " + sql_quote(level) + ", " + sql_quote(zone) + ", " + sql_quote(system) + ", " +
                       sql_quote(dim) + ", " + opt(score) + ", " + opt(objective) + ", " + opt(sv) + ", " + sql_quote(grade(score)) +
                       ", " + std::to_string(n) + ")");
        };
        std::optional<double> system_overall[2];
        for (int s = 0; s < 2; ++s) {
            const std::string system = s == 0 ? "tdt1063" : "mohurd";
            double s_sum = 0;
            int s_n = 0;
            for (const auto& dim : s == 0 ? TDT1063_DIMENSIONS : MOHURD_DIMENSIONS) {
                double ds = 0, dw = 0;
                int n = 0;
                for (const auto& [ind, score] : items) {
                    auto it = inds.find(ind);
                    if (it == inds.end() || it->second.helper || it->second.weight <= 0) continue;
                    if ((s == 0 ? it->second.tdt : it->second.mohurd) != dim) continue;
                    ds += it->second.weight * score;
                    dw += it->second.weight;
                    ++n;
                }
                std::optional<double> objective, sv, merged;
                if (dw > 0) objective = ds / dw;
                if (auto f = survey.find(key + "|" + system + "|" + dim); f != survey.end()) sv = f->second;
                merged = objective && sv ? std::optional<double>((1.0 - w_survey) * *objective + w_survey * *sv) : objective;
                if (merged) s_sum += *merged, ++s_n;
                insert(system, dim, merged, objective, sv, n);
            }
            if (s_n > 0) system_overall[s] = s_sum / s_n;
        }
        double sum = 0, wsum = 0;
        for (const auto& [ind, score] : items) {
            auto it = inds.find(ind);
            if (it == inds.end() || it->second.helper || it->second.weight <= 0) continue;
            sum += it->second.weight * score;
            wsum += it->second.weight;
        }
        insert("overall", "", wsum > 0 ? std::optional<double>(sum / wsum) : std::nullopt, std::nullopt, std::nullopt, 0);
        insert("tdt1063", "", system_overall[0], std::nullopt, std::nullopt, 0);
        insert("mohurd", "", system_overall[1], std::nullopt, std::nullopt, 0);
    }
}
}  // namespace

std::vector<ImportedValue> read_import_csv(const std::filesystem::path& csv, const std::string& store_location,
                                           const ImportOptions& options) {
    const std::string text = read_text(csv, options.encoding);
    const auto reader = StoreReader::open(store_location);
    const auto run = reader.current_run(options.city, options.year);
    if (!run)
        throw InputError("the store has no run of " + options.city + " for " + std::to_string(options.year) +
                         "; run `citycheck run --store` for that city and year first (its zones validate the codes)");
    const auto known = known_indicators(reader, run->run_id);
    std::map<std::string, std::set<std::string>> zones_by_level;  // level → codes
    std::map<std::string, std::vector<std::string>> levels_by_code;
    for (const auto& z : reader.zones(run->run_id)) {
        zones_by_level[z.level].insert(z.zone_id);
        levels_by_code[z.zone_id].push_back(z.level);
    }

    const auto rows = parse_csv(text);
    std::vector<std::string> errors;
    if (rows.empty()) throw InputError("the file is empty", ErrorContext{csv.string()});
    std::map<std::string, std::size_t> col;
    for (std::size_t c = 0; c < rows[0].size(); ++c) {
        const auto name = canonical_column(rows[0][c]);
        if (name.empty()) errors.push_back("header: unknown column '" + trim(rows[0][c]) + "'");
        else col[name] = c;
    }
    for (const char* need : {"indicator_id", "zone_id", "value"})
        if (!col.count(need)) errors.push_back(std::string("header: missing column '") + need + "'");
    if (!errors.empty()) {
        std::string msg = "cannot import " + csv.filename().string() + ":";
        for (const auto& e : errors) msg += "\n  " + e;
        throw InputError(msg + "\nnothing was imported", ErrorContext{csv.string()});
    }
    auto cell = [&](const std::vector<std::string>& r, const char* name) {
        auto it = col.find(name);
        return it != col.end() && it->second < r.size() ? trim(r[it->second]) : std::string();
    };
    std::vector<ImportedValue> out;
    std::set<std::string> seen;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto& r = rows[i];
        if (r.empty() || (r.size() == 1 && trim(r[0]).empty())) continue;
        const std::string at = "row " + std::to_string(i + 1) + ": ";
        ImportedValue v;
        v.indicator_id = cell(r, "indicator_id");
        v.zone_id = cell(r, "zone_id");
        v.note = cell(r, "note");
        const auto kit = known.find(v.indicator_id);
        if (v.indicator_id.empty()) errors.push_back(at + "no indicator_id");
        else if (kit == known.end()) errors.push_back(at + "unknown indicator '" + v.indicator_id + "' (see `citycheck list` and docs/cli/import-values.md)");
        if (kit != known.end()) {
            v.unit = kit->second.unit;
            const auto unit = cell(r, "unit");
            const auto ok = unit_spellings(kit->second.unit, kit->second.label);
            if (!unit.empty() && std::find(ok.begin(), ok.end(), unit) == ok.end())
                errors.push_back(at + "wrong unit '" + unit + "' for " + v.indicator_id + " (expected " + kit->second.label +
                                 (kit->second.label != kit->second.unit ? " or " + kit->second.unit : std::string()) + ")");
        }
        const auto value = parse_number(cell(r, "value"));
        if (!value) errors.push_back(at + "value '" + cell(r, "value") + "' is not a number");
        else v.value = *value;
        for (const char* c : {"numerator", "denominator"}) {
            const auto t = cell(r, c);
            if (t.empty()) continue;
            const auto n = parse_number(t);
            if (!n) errors.push_back(at + c + " '" + t + "' is not a number");
            (std::string(c) == "numerator" ? v.numerator : v.denominator) = n;
        }
        std::string level = cell(r, "level");
        if (!level.empty()) {
            const auto l = parse_level(level);
            if (!l) {
                errors.push_back(at + "unknown level '" + level + "' (市 区 街道 社区 or city district subdistrict community)");
                continue;
            }
            level = level_en(*l);
        } else {
            level = options.level;
        }
        if (v.zone_id.empty()) {
            errors.push_back(at + "no zone_id");
            continue;
        }
        if (level.empty()) {
            auto it = levels_by_code.find(v.zone_id);
            if (it == levels_by_code.end()) {
                errors.push_back(at + "zone code '" + v.zone_id + "' not found in the " + std::to_string(options.year) + " zones of " + options.city);
                continue;
            }
            if (it->second.size() > 1) {
                errors.push_back(at + "zone code '" + v.zone_id + "' exists at several levels; add a level column");
                continue;
            }
            level = it->second.front();
        } else if (!zones_by_level[level].count(v.zone_id)) {
            errors.push_back(at + "zone code '" + v.zone_id + "' not found at level " + level + " in the " +
                             std::to_string(options.year) + " zones of " + options.city);
            continue;
        }
        v.level = level;
        if (!seen.insert(v.indicator_id + "|" + v.level + "|" + v.zone_id).second)
            errors.push_back(at + "a second value for " + v.indicator_id + " in " + v.level + " " + v.zone_id);
        out.push_back(std::move(v));
    }
    if (out.empty() && errors.empty()) errors.push_back("no data rows");
    if (!errors.empty()) {
        std::string msg = "cannot import " + csv.filename().string() + " (" + std::to_string(errors.size()) + " error" +
                          (errors.size() == 1 ? "" : "s") + "):";
        for (const auto& e : errors) msg += "\n  " + e;
        throw InputError(msg + "\nnothing was imported", ErrorContext{csv.string()});
    }
    return out;
}

ImportResult import_values(const std::filesystem::path& csv, const std::string& store_location, const ImportOptions& options) {
    ImportResult result;
    result.values = read_import_csv(csv, store_location, options);
    std::map<std::string, Known> known;
    ScoringConfig scoring;
    {
        const auto reader = StoreReader::open(store_location);
        const auto run = reader.current_run(options.city, options.year);
        result.superseded = run->run_id;
        known = known_indicators(reader, run->run_id);
        scoring = scoring_of(run->scoring);
    }
    auto db = StoreDb::open(store_location, true, false);
    const std::string id = new_run_id(options.city, options.year);
    result.run_id = id;
    Transaction tx(db);
    if (db.postgres())
        db.query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(" +
                 sql_quote(options.city + "|" + std::to_string(options.year)) + "))) AS l");
    const auto cur = db.query("SELECT run_id FROM runs WHERE city = " + sql_quote(options.city) + " AND year = " +
                              std::to_string(options.year) + " AND status = 'current'");
    if (cur.empty() || cur.front().str("run_id") != result.superseded)
        throw OutputError("the current run of " + options.city + " " + std::to_string(options.year) +
                          " changed while importing; nothing was imported, try again");
    const std::string old = result.superseded;
    db.execute("UPDATE runs SET status = 'superseded', superseded_by = " + sql_quote(id) + " WHERE run_id = " + sql_quote(old));
    // Copy every table's rows of the old run under the new id.
    for (const auto& t : schema_tables()) {
        if (t.name == "citycheck_meta") continue;
        if (!db.has_table(t.name)) continue;  // a table added later, absent from an older store
        // The scores change with the imported values, so the run's problem list (短板) no longer
        // holds: the new run has none stored (the report says so) rather than a stale one.
        if (t.name == "zone_problems") continue;
        std::string cols, select;
        for (const auto& c : t.columns) {
            cols += (cols.empty() ? "" : ", ") + c.name;
            std::string expr = c.name;
            if (c.name == "run_id") expr = sql_quote(id);
            if (t.name == "runs" && c.name == "status") expr = "'current'";
            if (t.name == "runs" && c.name == "superseded_by") expr = "NULL";
            if (t.name == "runs" && c.name == "finished") expr = sql_quote(utc_now_iso());
            if (t.name == "runs" && c.name == "source") expr = "'import'";
            select += (select.empty() ? "" : ", ") + expr;
        }
        if (t.geometry) {
            cols += ", geom";
            select += ", geom";
        }
        db.execute("INSERT INTO " + t.name + " (" + cols + ") SELECT " + select + " FROM " + t.name + " WHERE run_id = " + sql_quote(old));
    }
    const std::string source = "import:" + csv.filename().string();
    std::set<std::string> added;
    for (const auto& v : result.values) {
        const auto& k = known.at(v.indicator_id);
        if (!k.in_run && added.insert(v.indicator_id).second) {
            std::string name_zh, name_en, dim;
            if (k.department) name_zh = k.department->name.zh, name_en = k.department->name.en, dim = k.department->tdt1063;
            if (k.spec) name_zh = k.spec->name.zh, name_en = k.spec->name.en, dim = k.spec->dimensions.tdt1063;
            db.execute("INSERT INTO run_indicators (run_id, indicator_id, name_zh, name_en, unit, primitive, target, target_op, "
                       "target_value, target_min, target_max, dimension_tdt1063, weight, helper, state) VALUES (" +
                       sql_quote(id) + ", " + sql_quote(v.indicator_id) + ", " + sql_quote(name_zh) + ", " + sql_quote(name_en) +
                       ", " + sql_quote(k.unit) + ", 'import', " + (k.target ? sql_quote(target_text(*k.target)) : "NULL") + ", " +
                       (k.target ? sql_quote(to_string(k.target->op)) : "NULL") + ", " +
                       (k.target && k.target->value ? sql_number(*k.target->value) : "NULL") + ", " +
                       (k.target && k.target->min ? sql_number(*k.target->min) : "NULL") + ", " +
                       (k.target && k.target->max ? sql_number(*k.target->max) : "NULL") + ", " + sql_quote(dim) +
                       ", 1, 0, 'imported')");
        }
        const auto a = assess(v.value, k.target, scoring);
        db.execute("DELETE FROM indicator_values WHERE run_id = " + sql_quote(id) + " AND indicator_id = " + sql_quote(v.indicator_id) +
                   " AND level = " + sql_quote(v.level) + " AND zone_id = " + sql_quote(v.zone_id));
        db.execute("INSERT INTO indicator_values (run_id, indicator_id, level, zone_id, numerator, denominator, value, unit, status, "
                   "status_zh, score, grade, note, source) VALUES (" +
                   sql_quote(id) + ", " + sql_quote(v.indicator_id) + ", " + sql_quote(v.level) + ", " + sql_quote(v.zone_id) + ", " +
                   (v.numerator ? sql_number(*v.numerator) : "NULL") + ", " + (v.denominator ? sql_number(*v.denominator) : "NULL") +
                   ", " + sql_number(v.value) + ", " + sql_quote(v.unit) + ", " + sql_quote(status_en(a.status)) + ", " +
                   sql_quote(status_zh(a.status)) + ", " + (a.score ? sql_number(*a.score) : "NULL") + ", " + sql_quote(a.grade) +
                   ", " + sql_quote(v.note) + ", " + sql_quote(source) + ")");
    }
    recompute_dimension_scores(db, id, scoring);
    db.execute("INSERT INTO run_warnings (run_id, seq, message) VALUES (" + sql_quote(id) + ", 100000, " +
               sql_quote("import-values: " + std::to_string(result.values.size()) + " value(s) from " + csv.filename().string() +
                         " added to a copy of run " + old + "; dimension and overall scores recomputed") +
               ")");
    tx.commit();
    return result;
}

}  // namespace citycheck::engine::store
