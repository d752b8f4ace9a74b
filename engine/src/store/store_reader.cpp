// Reading runs, values and zones back out of the store (both backends, same SQL).
#include <citycheck/engine/store/store_db.hpp>
#include <citycheck/engine/store/store_reader.hpp>

#include <algorithm>

namespace citycheck::engine::store {

std::optional<Target> stored_target(const IndicatorInfo& info) {
    if (info.target_op.empty()) return std::nullopt;
    const auto op = parse_target_op(info.target_op);
    if (!op) return std::nullopt;
    Target t;
    t.op = *op;
    t.value = info.target_value;
    t.min = info.target_min;
    t.max = info.target_max;
    if (!t.scorable()) return std::nullopt;
    return t;
}

struct StoreReader::Impl {
    StoreDb db;
};

namespace {
int level_rank(const std::string& level) {
    static const std::vector<std::string> order = {"city", "district", "subdistrict", "community"};
    auto it = std::find(order.begin(), order.end(), level);
    return it == order.end() ? 99 : static_cast<int>(it - order.begin());
}

RunInfo to_run(const Row& r) {
    RunInfo i;
    i.run_id = r.str("run_id");
    i.city = r.str("city");
    i.year = r.integer("year");
    i.status = r.str("status");
    i.superseded_by = r.str("superseded_by");
    i.config_sha256 = r.str("config_sha256");
    i.config_path = r.str("config_path");
    i.versions = r.str("versions");
    i.started = r.str("started");
    i.finished = r.str("finished");
    i.crs = r.str("crs");
    i.failed_indicators = r.integer("failed_indicators");
    i.source = r.str("source");
    i.scoring = r.str("scoring");
    return i;
}

ValueRow to_value(const Row& r) {
    ValueRow v;
    v.run_id = r.str("run_id");
    v.city = r.str("city");
    v.year = r.integer("year");
    v.indicator_id = r.str("indicator_id");
    v.level = r.str("level");
    v.zone_id = r.str("zone_id");
    v.numerator = r.num("numerator");
    v.denominator = r.num("denominator");
    v.value = r.num("value");
    v.unit = r.str("unit");
    v.status = r.str("status");
    v.status_zh = r.str("status_zh");
    v.score = r.num("score");
    v.grade = r.str("grade");
    v.note = r.str("note");
    v.source = r.str("source");
    return v;
}

const char* VALUE_COLUMNS =
    "v.run_id, r.city, r.year, v.indicator_id, v.level, v.zone_id, v.numerator, v.denominator, v.value, v.unit, "
    "v.status, v.status_zh, v.score, v.grade, v.note, v.source";

std::string level_clause(const std::string& alias, const std::string& level) {
    return level.empty() ? std::string() : " AND " + alias + "level = " + sql_quote(level);
}
}  // namespace

StoreReader::StoreReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
StoreReader::~StoreReader() = default;
StoreReader::StoreReader(StoreReader&&) noexcept = default;
StoreReader& StoreReader::operator=(StoreReader&&) noexcept = default;

StoreReader StoreReader::open(const std::string& location) {
    return StoreReader(std::make_unique<Impl>(Impl{StoreDb::open(location, false, false)}));
}

const std::string& StoreReader::location() const { return m_impl->db.location(); }

std::vector<RunInfo> StoreReader::runs(const std::string& city) const {
    std::string sql = "SELECT * FROM runs";
    if (!city.empty()) sql += " WHERE city = " + sql_quote(city);
    sql += " ORDER BY city, year, started, finished, fid";
    std::vector<RunInfo> out;
    for (const auto& r : m_impl->db.query(sql)) out.push_back(to_run(r));
    return out;
}

std::vector<std::string> StoreReader::cities() const {
    std::vector<std::string> out;
    for (const auto& r : runs()) 
        if (out.empty() || out.back() != r.city) out.push_back(r.city);
    return out;
}

std::vector<int> StoreReader::years(const std::string& city) const {
    std::vector<int> out;
    for (const auto& r : runs(city))
        if (r.current() && std::find(out.begin(), out.end(), r.year) == out.end()) out.push_back(r.year);
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<RunInfo> StoreReader::current_run(const std::string& city, int year) const {
    const auto rows = m_impl->db.query("SELECT * FROM runs WHERE city = " + sql_quote(city) + " AND year = " +
                                       std::to_string(year) + " AND status = 'current'");
    if (rows.empty()) return std::nullopt;
    return to_run(rows.front());
}

std::optional<RunInfo> StoreReader::run(const std::string& run_id) const {
    const auto rows = m_impl->db.query("SELECT * FROM runs WHERE run_id = " + sql_quote(run_id));
    if (rows.empty()) return std::nullopt;
    return to_run(rows.front());
}

std::vector<IndicatorInfo> StoreReader::indicators(const std::string& run_id) const {
    std::vector<IndicatorInfo> out;
    for (const auto& r : m_impl->db.query("SELECT * FROM run_indicators WHERE run_id = " + sql_quote(run_id) + " ORDER BY fid")) {
        IndicatorInfo i;
        i.run_id = r.str("run_id");
        i.indicator_id = r.str("indicator_id");
        i.name_zh = r.str("name_zh");
        i.name_en = r.str("name_en");
        i.unit = r.str("unit");
        i.primitive = r.str("primitive");
        i.target = r.str("target");
        i.target_op = r.str("target_op");
        i.target_value = r.num("target_value");
        i.target_min = r.num("target_min");
        i.target_max = r.num("target_max");
        i.dimension_tdt1063 = r.str("dimension_tdt1063");
        i.dimension_mohurd = r.str("dimension_mohurd");
        i.weight = r.num("weight").value_or(1.0);
        i.helper = r.integer("helper") != 0;
        i.state = r.str("state");
        i.failure = r.str("failure");
        out.push_back(std::move(i));
    }
    return out;
}

std::vector<ZoneInfo> StoreReader::zones(const std::string& run_id, const std::string& level, bool with_geometry) const {
    std::string sql = "SELECT run_id, level, level_rank, zone_id, zone_name, parent_id, area_m2";
    if (with_geometry) sql += ", geom";
    sql += " FROM zones WHERE run_id = " + sql_quote(run_id) + level_clause("", level) + " ORDER BY level_rank, fid";
    std::vector<ZoneInfo> out;
    for (const auto& r : m_impl->db.query(sql)) {
        ZoneInfo z;
        z.run_id = r.str("run_id");
        z.level = r.str("level");
        z.zone_id = r.str("zone_id");
        z.zone_name = r.str("zone_name");
        z.parent_id = r.str("parent_id");
        z.area_m2 = r.num("area_m2").value_or(0);
        if (with_geometry) z.wkb = r.wkb;
        out.push_back(std::move(z));
    }
    return out;
}

std::vector<ValueRow> StoreReader::values(const std::string& run_id, const std::string& level) const {
    const std::string sql = std::string("SELECT ") + VALUE_COLUMNS +
                            " FROM indicator_values v JOIN runs r ON r.run_id = v.run_id WHERE v.run_id = " +
                            sql_quote(run_id) + level_clause("v.", level) + " ORDER BY v.fid";
    std::vector<ValueRow> out;
    for (const auto& r : m_impl->db.query(sql)) out.push_back(to_value(r));
    std::stable_sort(out.begin(), out.end(), [](const ValueRow& a, const ValueRow& b) {
        const int ra = level_rank(a.level), rb = level_rank(b.level);
        return ra != rb ? ra < rb : a.zone_id < b.zone_id;
    });
    return out;
}

std::vector<DimensionRow> StoreReader::dimensions(const std::string& run_id, const std::string& level) const {
    std::vector<DimensionRow> out;
    for (const auto& r : m_impl->db.query("SELECT * FROM dimension_scores WHERE run_id = " + sql_quote(run_id) +
                                          level_clause("", level) + " ORDER BY fid")) {
        DimensionRow d;
        d.run_id = r.str("run_id");
        d.level = r.str("level");
        d.zone_id = r.str("zone_id");
        d.system = r.str("system");
        d.dimension = r.str("dimension");
        d.score = r.num("score");
        d.grade = r.str("grade");
        d.indicators = r.integer("indicators");
        out.push_back(std::move(d));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const DimensionRow& a, const DimensionRow& b) { return level_rank(a.level) < level_rank(b.level); });
    return out;
}

std::vector<std::string> StoreReader::warnings(const std::string& run_id) const {
    std::vector<std::string> out;
    for (const auto& r : m_impl->db.query("SELECT message FROM run_warnings WHERE run_id = " + sql_quote(run_id) + " ORDER BY seq"))
        out.push_back(r.str("message"));
    return out;
}

bool StoreReader::has_table(const std::string& name) const { return m_impl->db.has_table(name); }

bool StoreReader::problems_stored(const RunInfo& run) const {
    if (run.source != "run" || !has_table("zone_problems") || !has_table("run_documents")) return false;
    return !m_impl->db.query("SELECT name FROM run_documents WHERE run_id = " + sql_quote(run.run_id)).empty();
}

std::vector<ProblemRow> StoreReader::problems(const std::string& run_id, const std::string& level) const {
    std::vector<ProblemRow> out;
    if (!has_table("zone_problems")) return out;
    for (const auto& r : m_impl->db.query("SELECT * FROM zone_problems WHERE run_id = " + sql_quote(run_id) + level_clause("", level) +
                                          " ORDER BY fid")) {
        ProblemRow p;
        p.run_id = r.str("run_id");
        p.level = r.str("level");
        p.zone_id = r.str("zone_id");
        p.rank = r.integer("rank");
        p.indicator_id = r.str("indicator_id");
        p.name_zh = r.str("name_zh");
        p.value = r.num("value");
        p.target = r.str("target");
        p.gap = r.num("gap").value_or(0);
        p.status = r.str("status");
        out.push_back(std::move(p));
    }
    return out;
}

std::optional<std::string> StoreReader::document(const std::string& run_id, const std::string& name) const {
    if (!has_table("run_documents")) return std::nullopt;
    const auto rows = m_impl->db.query("SELECT content FROM run_documents WHERE run_id = " + sql_quote(run_id) + " AND name = " +
                                       sql_quote(name) + " ORDER BY fid");
    if (rows.empty()) return std::nullopt;
    return rows.front().str("content");
}

std::vector<ServiceAreaRow> StoreReader::service_areas(const std::string& run_id, const std::string& indicator_id) const {
    std::vector<ServiceAreaRow> out;
    if (!has_table("service_areas")) return out;
    std::string sql = "SELECT run_id, indicator_id, kind, zone_id, covered, geom FROM service_areas WHERE run_id = " + sql_quote(run_id);
    if (!indicator_id.empty()) sql += " AND indicator_id = " + sql_quote(indicator_id);
    for (const auto& r : m_impl->db.query(sql + " ORDER BY fid")) {
        ServiceAreaRow a;
        a.run_id = r.str("run_id");
        a.indicator_id = r.str("indicator_id");
        a.kind = r.str("kind");
        a.zone_id = r.str("zone_id");
        a.covered = r.num("covered");
        a.wkb = r.wkb;
        out.push_back(std::move(a));
    }
    return out;
}

std::vector<ValueRow> StoreReader::history(const std::string& city, const std::string& indicator_id, const std::string& level,
                                           const std::string& zone_id) const {
    const std::string sql = std::string("SELECT ") + VALUE_COLUMNS +
                            " FROM indicator_values v JOIN runs r ON r.run_id = v.run_id WHERE r.city = " + sql_quote(city) +
                            " AND r.status = 'current' AND v.indicator_id = " + sql_quote(indicator_id) +
                            " AND v.level = " + sql_quote(level) + " AND v.zone_id = " + sql_quote(zone_id) +
                            " ORDER BY r.year";
    std::vector<ValueRow> out;
    for (const auto& r : m_impl->db.query(sql)) out.push_back(to_value(r));
    return out;
}

std::optional<ValueRow> StoreReader::previous_value(const std::string& city, int year, const std::string& indicator_id,
                                                    const std::string& level, const std::string& zone_id) const {
    std::optional<ValueRow> best;
    for (auto& v : history(city, indicator_id, level, zone_id))
        if (v.year < year) best = std::move(v);
    return best;
}

}  // namespace citycheck::engine::store
