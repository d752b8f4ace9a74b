// Assembles the report page from ReportData: every number shown is a value of the run (or of the
// store, for earlier years), formatted for display; exact values ride along in data-value
// attributes and the embedded JSON.
#include <citycheck/engine/report/report_html.hpp>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/engine/report/charts_svg.hpp>
#include <citycheck/engine/report/html_text.hpp>
#include <citycheck/engine/report/problems.hpp>
#include <citycheck/engine/report/report_maps.hpp>

#include <cmath>
#include <ctime>
#include <fstream>
#include <map>

namespace citycheck::engine::report {

namespace fs = std::filesystem;

Lang parse_lang(const std::string& text) {
    if (text == "zh") return Lang::zh;
    if (text == "en") return Lang::en;
    throw UsageError("--lang must be zh or en, not '" + text + "'");
}

std::string dimension_label(const std::string& d, Lang lang) {
    if (lang == Lang::zh) return d;
    static const std::map<std::string, std::string> en = {
        {"安全", "Safety"}, {"创新", "Innovation"}, {"协调", "Coordination"}, {"绿色", "Green"}, {"开放", "Openness"},
        {"共享", "Sharing"}, {"生态宜居", "Ecology & livability"}, {"健康舒适", "Health & comfort"},
        {"安全韧性", "Safety & resilience"}, {"交通便捷", "Transport"}, {"风貌特色", "Townscape"},
        {"整洁有序", "Tidiness & order"}, {"多元包容", "Diversity & inclusion"}, {"创新活力", "Innovation & vitality"}};
    auto it = en.find(d);
    return it == en.end() ? d : it->second;
}

std::string status_label(Status s, Lang lang) {
    if (lang == Lang::zh) return status_zh(s);
    switch (s) {
        case Status::met: return "met";
        case Status::nearly_met: return "nearly met";
        case Status::not_met: return "not met";
        case Status::no_target: return "no target";
        case Status::no_data: return "no data";
        case Status::failed: return "failed";
    }
    return "";
}

std::string level_label(const ReportLevel& level, Lang lang) {
    if (lang == Lang::zh || level.level_en.empty()) return level.level_zh;
    std::string s = level.level_en;
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string indicator_name(const IndicatorInfo& info, Lang lang) {
    if (lang == Lang::en && !info.name_en.empty()) return info.name_en;
    return info.name_zh.empty() ? info.id : info.name_zh;
}

namespace {

char status_code(Status s) {
    switch (s) {
        case Status::met: return 'm';
        case Status::nearly_met: return 'n';
        case Status::not_met: return 'x';
        case Status::no_target: return 't';
        case Status::no_data: return 'd';
        case Status::failed: return 'f';
    }
    return 'd';
}

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
    return buf;
}

nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
nlohmann::json jopt(const std::optional<double>& v) { return v && std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json(nullptr); }

std::string coverage_note(Lang lang) {
    return tx(lang,
              "覆盖类指标：本图为各分区覆盖率（可达需求占比）的分级设色图；服务范围（可达的需求范围）见下方“服务范围图”。",
              "Coverage indicator: this map shows each zone's coverage value (share of demand within reach); the service areas "
              "(demand within reach) are drawn under \"Service areas\" below.");
}

// Value of the indicator in the store's latest year before the report's year.
std::optional<HistoryPoint> previous_point(const ReportData& d, const std::string& id) {
    if (!d.history) return std::nullopt;
    auto it = d.history->indicators.find(id);
    if (it == d.history->indicators.end()) return std::nullopt;
    std::optional<HistoryPoint> best;
    for (const auto& p : it->second)
        if (p.year < d.year && std::isfinite(p.value) && (!best || p.year > best->year)) best = p;
    return best;
}

class Page {
  public:
    Page(const ReportData& data, const ReportOptions& options) : d(data), o(options), L(options.lang) {}

    std::string render() {
        head();
        overview();
        indicator_table();
        maps();
        problems();
        zone_tables();
        trends();
        methods();
        provenance();
        tail();
        return std::move(s);
    }

  private:
    const ReportData& d;
    const ReportOptions& o;
    Lang L;
    std::string s;

    std::string t(const char* zh, const char* en) const { return tx(L, zh, en); }
    std::string name(std::size_t i) const { return indicator_name(d.indicators[i], L); }

    void head() {
        const std::string title = d.city + " " + std::to_string(d.year) + t("年 城市体检报告", " city health check report");
        s += "<!DOCTYPE html>\n<html lang=\"" + t("zh-CN", "en") + "\"><head><meta charset=\"utf-8\">";
        s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
        s += "<meta name=\"generator\" content=\"citycheck report\">";
        s += "<title>" + html_escape(title) + "</title>";
        // Marks script errors on the page itself, so a headless browser test can see them.
        s += "<script>window.onerror=function(m){document.documentElement.setAttribute('data-js-error',String(m));};</script>";
        s += "<style>" + report_css() + "</style></head><body>\n";
        s += "<header><h1>" + html_escape(title) + "</h1><p>" + t("生成时间：", "Generated: ") +
             html_escape(o.generated_utc.empty() ? utc_now() : o.generated_utc) + " · citycheck</p>" +
             (d.source_note.empty() ? std::string()
                                    : "<p class=\"source\">" + t("数据来源：历史数据库 ", "Source: store ") + html_escape(d.source_note) + "</p>") +
             "</header>\n";
        s += "<nav><a href=\"#overview\">" + t("概览", "Overview") + "</a><a href=\"#indicators\">" + t("指标表", "Indicators") +
             "</a><a href=\"#maps\">" + t("地图", "Maps") + "</a><a href=\"#problems\">" + t("短板", "Problems") + "</a><a href=\"#zones\">" +
             t("分区明细", "Zones") + "</a><a href=\"#trends\">" + t("趋势", "Trends") + "</a><a href=\"#methods\">" +
             t("附录：方法", "Appendix: methods") + "</a><a href=\"#provenance\">" + t("附录：数据与版本", "Appendix: provenance") +
             "</a></nav><main>\n";
    }

    void overview() {
        s += "<section id=\"overview\"><h2>" + t("概览", "Overview") + "</h2>";
        if (d.levels.empty() || d.levels[0].zones.empty()) {
            s += "<p>" + t("没有分区结果。", "No zone results.") + "</p></section>\n";
            return;
        }
        const auto& top = d.levels[0];
        for (const auto& zone : top.zones) {
            if (top.zones.size() > 1) s += "<h3>" + html_escape(zone.name.empty() ? zone.id : zone.name) + "</h3>";
            std::map<Status, int> counts;
            for (std::size_t i = 0; i < d.indicators.size(); ++i)
                if (!d.indicators[i].helper) ++counts[zone.cells[i].status];
            s += "<div class=\"cards\">";
            auto card = [&](const std::string& big, const std::string& label, const std::string& cls = "") {
                s += "<div class=\"card" + cls + "\"><div class=\"big\">" + html_escape(big) + "</div><div class=\"lbl\">" + html_escape(label) + "</div></div>";
            };
            card(format_score(zone.overall) + (zone.grade.empty() ? "" : " " + zone.grade), t("综合得分", "Overall score"));
            card(format_score(zone.overall_tdt1063), t("TD/T 1063 六维平均", "TD/T 1063 (6 dimensions)"));
            card(format_score(zone.overall_mohurd), t("住建部八维平均", "MOHURD (8 dimensions)"));
            card(std::to_string(counts[Status::met]), status_label(Status::met, L), " st-m");
            card(std::to_string(counts[Status::nearly_met]), status_label(Status::nearly_met, L), " st-n");
            card(std::to_string(counts[Status::not_met]), status_label(Status::not_met, L), " st-x");
            card(std::to_string(counts[Status::no_data] + counts[Status::no_target] + counts[Status::failed]),
                 t("无数据/无目标/失败", "no data / no target / failed"), " st-d");
            s += "</div><div class=\"charts\">";
            for (const auto& [system, title] : {std::pair{"tdt1063", t("TD/T 1063 维度得分", "TD/T 1063 dimension scores")},
                                                std::pair{"mohurd", t("住建部维度得分", "MOHURD dimension scores")}}) {
                std::vector<RadarAxis> axes;
                for (const auto& dim : zone.dimensions)
                    if (dim.system == system) axes.push_back({dimension_label(dim.dimension, L), dim.score});
                s += radar_svg(title, axes);
            }
            s += "</div>";
        }
        s += "<p class=\"note\">" +
             t("得分 0–100，按目标值计算（方法见 docs/scoring.md）；维度得分为该维度已评分指标的加权平均。",
               "Scores are 0–100 against the targets (docs/scoring.md); a dimension score is the weighted mean of its scored indicators.") +
             "</p>";
        if (d.failed_indicators)
            s += "<p class=\"warn\">" + std::to_string(d.failed_indicators) + t(" 个指标计算失败，见附录。", " indicator(s) failed; see the appendix.") + "</p>";
        s += "</section>\n";
    }

    void indicator_table() {
        s += "<section id=\"indicators\"><h2>" + t("指标表", "Indicators") + "</h2>";
        if (d.levels.empty()) return void(s += "</section>\n");
        const auto& top = d.levels[0];
        for (std::size_t zi = 0; zi < top.zones.size(); ++zi) {
            const auto& zone = top.zones[zi];
            s += "<h3>" + html_escape(level_label(top, L)) + " · " + html_escape(zone.name.empty() ? zone.id : zone.name) + "</h3>";
            s += "<table class=\"indicators\" data-level=\"" + html_escape(top.level_en) + "\" data-zone=\"" + html_escape(zone.id) +
                 "\"><thead><tr><th>#</th><th>" + t("指标", "Indicator") + "</th><th>" + t("维度", "Dimensions") + "</th><th>" +
                 t("数值", "Value") + "</th><th>" + t("单位", "Unit") + "</th><th>" + t("目标", "Target") + "</th><th>" + t("状态", "Status") +
                 "</th><th>" + t("得分", "Score") + "</th><th>" + t("等级", "Grade") + "</th><th>" + t("较上年", "Change from last year") +
                 "</th><th>" + t("方法", "Method") + "</th></tr></thead><tbody>";
            for (std::size_t i = 0; i < d.indicators.size(); ++i) {
                const auto& info = d.indicators[i];
                const auto& c = zone.cells[i];
                std::string change = "—";
                if (auto prev = previous_point(d, info.id); prev && std::isfinite(c.value)) {
                    const double delta = c.value - prev->value;
                    change = (delta > 0 ? "+" : "") + format_value(delta) + " (" + std::to_string(prev->year) + ")";
                }
                std::string dims = dimension_label(info.tdt1063, L);
                if (!info.mohurd.empty()) dims += (dims.empty() ? "" : " / ") + dimension_label(info.mohurd, L);
                s += "<tr><td>" + std::to_string(i + 1) + "</td><td>" + html_escape(name(i)) +
                     (info.helper ? " <small>(" + t("辅助", "helper") + ")</small>" : "") + "</td><td>" + html_escape(dims) +
                     "</td><td class=\"num st-" + status_code(c.status) + "\" data-ind=\"" + html_escape(info.id) + "\" data-value=\"" +
                     exact_number(c.value) + "\">" + format_value(c.value) + "</td><td>" + html_escape(info.unit_label) + "</td><td>" +
                     html_escape(info.target_text.empty() ? "—" : info.target_text) + "</td><td class=\"st-" + status_code(c.status) + "\">" +
                     html_escape(status_label(c.status, L)) + "</td><td class=\"num\">" + format_score(c.score) + "</td><td>" +
                     html_escape(c.grade) + "</td><td class=\"num\">" + html_escape(change) + "</td><td><a href=\"#method-" +
                     html_escape(info.id) + "\">" + t("方法", "method") + "</a></td></tr>";
            }
            s += "</tbody></table>";
        }
        if (!d.history)
            s += "<p class=\"note\">" + t("未提供历史数据库（--store），“较上年”一栏为空。", "No store was given (--store): the change from last year is empty.") + "</p>";
        s += "</section>\n";
    }

    void maps() {
        s += "<section id=\"maps\"><h2>" + t("地图", "Maps") + "</h2><p class=\"note\">" +
             t("分级设色：每张图按该层级各分区数值的分位数分为至多 5 级（数值相同的分区同级），灰色为无数据。选择指标切换地图；"
               "图形按显示比例简化（容差 0.4 像素），坐标为工作坐标系（上北）。",
               "Classes: quantiles of the level's zone values (at most 5; equal values share a class); grey is no data. Pick an "
               "indicator to switch the map; shapes are simplified for display (0.4 px tolerance); working CRS, north up.") +
             "</p>";
        bool any = false;
        for (std::size_t k = 0; k < d.levels.size(); ++k) {
            if (!level_has_map(d, k)) continue;
            any = true;
            const auto zones = project_level(d, k);
            std::size_t first = 0;
            for (std::size_t i = 0; i < d.indicators.size(); ++i)
                if (!d.indicators[i].helper && !d.indicators[i].failed) {
                    first = i;
                    break;
                }
            s += "<div class=\"mapbox\"><h3>" + html_escape(level_label(d.levels[k], L)) + " (" + std::to_string(d.levels[k].zones.size()) +
                 t(" 个分区", " zones") + ")</h3><label>" + t("指标：", "Indicator: ") + "<select id=\"map-sel-" + std::to_string(k) + "\">";
            for (std::size_t i = 0; i < d.indicators.size(); ++i)
                s += "<option value=\"" + std::to_string(i) + "\"" + (i == first ? " selected" : "") + ">" + html_escape(name(i)) +
                     (d.indicators[i].helper ? " (" + t("辅助", "helper") + ")" : "") + "</option>";
            s += "</select></label><p class=\"note\" id=\"map-note-" + std::to_string(k) + "\">" +
                 (d.indicators.empty() || !is_coverage(d.indicators[first]) ? "" : html_escape(coverage_note(L))) + "</p>";
            if (!d.indicators.empty())
                s += indicator_map_svg(d, k, first, zones, o, "map-" + std::to_string(k), "map-legend-" + std::to_string(k));
            s += "<p class=\"mapinfo\" id=\"map-info-" + std::to_string(k) + "\"></p></div>";
        }
        if (!any)
            s += "<p>" + t("没有可绘制的分区几何（需要 results.gpkg 且该层级多于一个分区）。",
                           "No zone geometries to draw (results.gpkg is needed and a level with more than one zone).") + "</p>";
        service_area_maps();
        s += "</section>\n";
    }

    // One map per coverage indicator: zones outlined, the covered demand filled, facilities as dots.
    void service_area_maps() {
        std::vector<std::size_t> coverage;
        for (std::size_t i = 0; i < d.indicators.size(); ++i)
            if (is_coverage(d.indicators[i])) coverage.push_back(i);
        if (coverage.empty()) return;
        s += "<h3 id=\"service-areas\">" + t("服务范围图", "Service areas") + "</h3><p class=\"note\">" +
             t("覆盖类指标的服务范围：可达设施的需求格网单元（分区面积、需求面或人口格网）合并后按分区裁切，"
               "按半个格网单元简化；蓝色为服务范围，灰色为分区（未覆盖），红点为设施。图形按显示比例简化（0.4 像素）。",
               "Service areas of the coverage indicators: the demand grid cells (zone area, demand polygons or population grid) "
               "within reach of a facility, dissolved and clipped per zone, simplified at half a cell; blue is the service area, "
               "grey the zones (not covered), red dots the facilities. Shapes are simplified for display (0.4 px).") +
             "</p>";
        const auto level = service_area_level(d);
        if (!level) {
            s += "<p class=\"note\">" + t("没有可绘制的分区几何，无服务范围图。", "No zone geometries to draw: no service-area maps.") + "</p>";
            return;
        }
        const auto zones = project_level(d, *level);
        for (std::size_t i : coverage) {
            const auto& info = d.indicators[i];
            s += "<div class=\"mapbox\" id=\"sa-box-" + html_escape(info.id) + "\"><h4>" + html_escape(name(i)) + "</h4>";
            if (const auto* sa = find_service_areas(d, info.id)) {
                s += service_area_map_svg(d, *level, *sa, zones, o, "sa-" + info.id);
            } else {
                s += "<p class=\"note\">" +
                     (info.failed ? t("该指标计算失败，无服务范围。", "The indicator failed: no service areas.")
                                  : t("本报告的数据中没有该指标的服务范围（需求为点数据时无法生成；早于本功能的运行或历史数据库记录也没有保存）。",
                                      "The report's data holds no service areas for this indicator (none can be made for point demand; "
                                      "runs and stored runs from before this feature have none).")) +
                     "</p>";
            }
            s += "<p class=\"note\">" + html_escape(level_label(d.levels[*level], L)) + t(" 分区边界。", " zone boundaries.") + "</p></div>";
        }
    }

    void problems() {
        s += "<section id=\"problems\"><h2>" + t("短板（问题清单）", "Problems (短板)") + "</h2><p class=\"note\">" +
             t("按未达标/基本达标分区占比、再按平均差距排序；“主要分区”为差距最大的分区（市级取下一级分区）。",
               "Ranked by the share of zones not met or nearly met, then by mean gap; driving zones have the largest gaps (for the city, "
               "taken from the next level).") +
             "</p>";
        if (!d.problems_known) {
            s += "<p class=\"warn\">" +
                 t("数据来源中没有保存本次运行的问题清单（早于该功能写入的历史数据库记录，或 import-values 导入后得分已变），本节从略。",
                   "The source holds no problem list for this run (a stored run from before the store kept it, or an import-values "
                   "run whose scores changed): this section is omitted.") +
                 "</p></section>\n";
            return;
        }
        for (std::size_t k = 0; k < d.levels.size(); ++k) {
            const auto ranked = rank_problems(d, k);
            s += "<h3>" + html_escape(level_label(d.levels[k], L)) + "</h3>";
            if (ranked.empty()) {
                s += "<p>" + t("无短板。", "No problems.") + "</p>";
                continue;
            }
            s += "<table class=\"problems\"><thead><tr><th>#</th><th>" + t("指标", "Indicator") + "</th><th>" + t("目标", "Target") + "</th><th>" +
                 t("涉及分区", "Zones affected") + "</th><th>" + t("平均差距", "Mean gap") + "</th><th>" + t("最大差距", "Max gap") + "</th><th>" +
                 t("主要分区（数值，差距）", "Driving zones (value, gap)") + "</th></tr></thead><tbody>";
            std::size_t rank = 0;
            for (const auto& p : ranked) {
                const auto& info = d.indicators[p.indicator];
                std::string drivers;
                for (const auto& z : p.drivers) {
                    const auto& zone = d.levels[z.level].zones[z.zone];
                    drivers += (drivers.empty() ? "" : "；") + html_escape(zone.name.empty() ? zone.id : zone.name) + " (" +
                               format_value(z.value) + "，" + format_value(100 * z.gap) + "%)";
                }
                s += "<tr><td>" + std::to_string(++rank) + "</td><td><a href=\"#method-" + html_escape(info.id) + "\">" + html_escape(name(p.indicator)) +
                     "</a></td><td>" + html_escape(info.target_text) + "</td><td class=\"num\">" + std::to_string(p.zones_affected) + " / " +
                     std::to_string(p.zones_total) + "</td><td class=\"num\">" + format_value(100 * p.mean_gap) + "%</td><td class=\"num\">" +
                     format_value(100 * p.max_gap) + "%</td><td>" + drivers + "</td></tr>";
            }
            s += "</tbody></table>";
        }
        s += "</section>\n";
    }

    void zone_tables() {
        s += "<section id=\"zones\"><h2>" + t("分区明细", "Zone tables") + "</h2><noscript><p class=\"warn\">" +
             t("分区表需要浏览器脚本；也可查看 XLSX 或 results_*.csv。", "Zone tables need scripts enabled; see the XLSX or results_*.csv.") +
             "</p></noscript>";
        for (std::size_t k = 0; k < d.levels.size(); ++k) {
            const auto n = d.levels[k].zones.size();
            s += "<details" + std::string(n <= 200 ? " open" : "") + "><summary>" + html_escape(level_label(d.levels[k], L)) + " (" +
                 std::to_string(n) + t(" 个分区", " zones") + ")</summary><div class=\"zt-wrap\" id=\"zt-" + std::to_string(k) +
                 "\"><div class=\"zt-ctl\"><button type=\"button\" class=\"zt-prev\">" + t("上一页", "Previous") +
                 "</button><button type=\"button\" class=\"zt-next\">" + t("下一页", "Next") + "</button><span class=\"zt-page\"></span> " +
                 "<input class=\"zt-filter\" placeholder=\"" + t("按编码或名称筛选", "filter by id or name") + "\"></div><div class=\"zt-body\"></div></div></details>";
        }
        s += "</section>\n";
    }

    void trends() {
        s += "<section id=\"trends\"><h2>" + t("趋势", "Trends") + "</h2>";
        if (!d.history) {
            s += "<p class=\"note\">" + t("未提供历史数据库（--store），本报告不含趋势图。", "No store was given (--store): this report has no trend charts.") +
                 "</p></section>\n";
            return;
        }
        s += "<p class=\"note\">" + t("来源：", "Source: ") + html_escape(d.history->source) + t("（市级数值，各年来自历史数据库，本年来自本次运行）",
                                                                                              " (city values; earlier years from the store, this year from this run)") + "</p><div class=\"charts\">";
        std::vector<SeriesPoint> overall;
        for (const auto& p : d.history->overall)
            if (p.year != d.year) overall.push_back({static_cast<double>(p.year), p.value});
        if (!d.levels.empty() && !d.levels[0].zones.empty() && d.levels[0].zones[0].overall)
            overall.push_back({static_cast<double>(d.year), *d.levels[0].zones[0].overall});
        std::sort(overall.begin(), overall.end(), [](auto& a, auto& b) { return a.x < b.x; });
        s += line_chart_svg(t("综合得分", "Overall score"), "", overall);
        for (std::size_t i = 0; i < d.indicators.size(); ++i) {
            std::vector<SeriesPoint> pts;
            if (auto it = d.history->indicators.find(d.indicators[i].id); it != d.history->indicators.end())
                for (const auto& p : it->second)
                    if (p.year != d.year) pts.push_back({static_cast<double>(p.year), p.value});
            if (pts.empty()) continue;
            if (!d.levels.empty() && !d.levels[0].zones.empty()) pts.push_back({static_cast<double>(d.year), d.levels[0].zones[0].cells[i].value});
            std::sort(pts.begin(), pts.end(), [](auto& a, auto& b) { return a.x < b.x; });
            s += line_chart_svg(name(i), d.indicators[i].unit_label, pts);
        }
        s += "</div></section>\n";
    }

    void methods() {
        s += "<section id=\"methods\"><h2>" + t("附录 A：指标方法", "Appendix A: indicator methods") + "</h2>";
        for (const auto& info : d.indicators) {
            s += "<div class=\"method\" id=\"method-" + html_escape(info.id) + "\"><h3>" + html_escape(indicator_name(info, L)) + " <small>(" +
                 html_escape(info.id) + (L == Lang::en ? "" : " · " + html_escape(info.name_en)) + ")</small></h3><table>";
            auto row = [&](const std::string& k, const std::string& v) {
                if (!v.empty()) s += "<tr><th>" + k + "</th><td>" + v + "</td></tr>";
            };
            row(t("计算方法", "Method"), html_escape(info.description));
            row(t("计算原语", "Primitive"), html_escape(info.primitive));
            row(t("单位", "Unit"), html_escape(info.unit_label));
            row(t("目标", "Target"), html_escape(info.target_text) + (info.target_source.empty() ? "" : " — " + html_escape(info.target_source)));
            std::string dims = info.tdt1063.empty() ? "" : "TD/T 1063: " + dimension_label(info.tdt1063, L);
            if (!info.mohurd.empty()) dims += (dims.empty() ? "" : "; ") + t("住建部", "MOHURD") + ": " + dimension_label(info.mohurd, L);
            row(t("维度", "Dimensions"), html_escape(dims));
            row(t("可信度", "Confidence"), html_escape(info.confidence) + (info.confidence_note.empty() ? "" : " — " + html_escape(info.confidence_note)));
            std::string src;
            for (const auto& x : info.sources) src += (src.empty() ? "" : "; ") + x;
            row(t("依据", "Sources"), html_escape(src));
            if (!info.params.empty()) row(t("参数", "Parameters"), "<pre>" + html_escape(info.params.dump(2)) + "</pre>");
            if (info.failed) row(t("计算失败", "Failed"), "<span class=\"warn\">" + html_escape(info.failure) + "</span>");
            s += "</table></div>";
        }
        s += "</section>\n";
    }

    void provenance() {
        const auto& p = d.provenance;
        s += "<section id=\"provenance\"><h2>" + t("附录 B：数据来源、参数与版本", "Appendix B: data sources, parameters and versions") + "</h2>";
        if (!p.is_object() || p.empty()) {
            s += "<p>" + t("没有 provenance.json。", "No provenance.json.") + "</p></section>\n";
            return;
        }
        auto str = [](const nlohmann::json& j) { return j.is_string() ? j.get<std::string>() : j.is_null() ? std::string() : j.dump(); };
        if (auto n = p.find("note"); n != p.end() && n->is_string())
            s += "<p class=\"warn\">" + t("历史数据库中没有本次运行的 provenance.json：数据来源与耗时未知，下表来自运行记录。",
                                           "The store has no provenance.json for this run: data sources and timings are unknown; the "
                                           "table below comes from the run's record.") + "</p>";
        s += "<table>";
        auto row = [&](const std::string& k, const std::string& v) { s += "<tr><th>" + k + "</th><td>" + html_escape(v) + "</td></tr>"; };
        if (p.contains("healthcheck")) {
            row(t("体检配置文件", "Health-check file"), str(p["healthcheck"].value("path", nlohmann::json())));
            row("SHA-256", str(p["healthcheck"].value("sha256", nlohmann::json())));
        }
        row(t("工作坐标系", "Working CRS"), str(p.value("working_crs", nlohmann::json())));
        row(t("指标目录", "Catalogue"), str(p.value("catalog", nlohmann::json())));
        row(t("开始 / 结束 (UTC)", "Started / finished (UTC)"),
            str(p.value("started_utc", nlohmann::json())) + " / " + str(p.value("finished_utc", nlohmann::json())));
        if (auto v = p.find("versions"); v != p.end() && v->is_object())
            for (const auto& [k, val] : v->items()) row(t("版本：", "Version: ") + html_escape(k), str(val));
        if (auto sc = p.find("scoring"); sc != p.end()) row(t("评分参数", "Scoring"), sc->dump());
        s += "</table>";
        auto files_text = [&](const nlohmann::json& files) {
            std::string out;
            if (!files.is_array()) return out;
            for (const auto& f : files)
                out += html_escape(str(f.value("path", nlohmann::json()))) + " <small>(" + str(f.value("bytes", nlohmann::json())) +
                       " B, sha256 " + html_escape(str(f.value("sha256", nlohmann::json())).substr(0, 16)) + "…)</small><br>";
            return out;
        };
        if (auto z = p.find("zones"); z != p.end() && z->is_array()) {
            s += "<h3>" + t("分区数据", "Zone layers") + "</h3><table><tr><th>" + t("层级", "Level") + "</th><th>" + t("图层", "Layer") + "</th><th>" +
                 t("编码字段", "Id field") + "</th><th>" + t("文件", "Files") + "</th></tr>";
            for (const auto& e : *z)
                s += "<tr><td>" + html_escape(str(e.value("level", nlohmann::json()))) + "</td><td>" + html_escape(str(e.value("layer", nlohmann::json()))) +
                     "</td><td>" + html_escape(str(e.value("id_field", nlohmann::json()))) + "</td><td>" + files_text(e.value("files", nlohmann::json())) +
                     "</td></tr>";
            s += "</table>";
        }
        if (auto ds = p.find("datasets"); ds != p.end() && ds->is_object()) {
            s += "<h3>" + t("数据来源", "Data sources") + "</h3><table><tr><th>" + t("名称", "Name") + "</th><th>" + t("角色", "Role") + "</th><th>" +
                 t("图层 / 条件", "Layer / where") + "</th><th>" + t("文件", "Files") + "</th></tr>";
            for (const auto& [name, e] : ds->items())
                s += "<tr><td>" + html_escape(name) + "</td><td>" + html_escape(str(e.value("role", nlohmann::json()))) + "</td><td>" +
                     html_escape(str(e.value("layer", nlohmann::json()))) + " " + html_escape(str(e.value("where", nlohmann::json()))) + "</td><td>" +
                     files_text(e.value("files", nlohmann::json())) + "</td></tr>";
            s += "</table>";
        }
        if (auto sec = p.find("seconds"); sec != p.end() && sec->is_object()) {
            s += "<details><summary>" + t("计算耗时（秒）", "Timings (seconds)") + "</summary><table>";
            for (const auto& [k, v] : sec->items()) s += "<tr><td>" + html_escape(k) + "</td><td class=\"num\">" + format_value(v.get<double>()) + "</td></tr>";
            s += "</table></details>";
        }
        if (!d.warnings.empty()) {
            s += "<details><summary>" + t("警告", "Warnings") + " (" + std::to_string(d.warnings.size()) + ")</summary><ul>";
            for (const auto& w : d.warnings) s += "<li>" + html_escape(w) + "</li>";
            s += "</ul></details>";
        }
        s += "<details><summary>provenance.json</summary><pre>" + html_escape(p.dump(2)) + "</pre></details>";
        s += "</section>\n";
    }

    // The data the script needs: per level ids, names, overall scores, values, statuses and map classes.
    void tail() {
        nlohmann::json j;
        j["page"] = o.page_size;
        j["nodata"] = NO_DATA_COLOUR;
        j["t"] = {{"id", t("编码", "Id")}, {"name", t("名称", "Name")}, {"overall", t("综合得分", "Overall")},
                  {"grade", t("等级", "Grade")}, {"zones", t("个分区", "zones")}};
        nlohmann::json st = nlohmann::json::object();
        for (Status x : {Status::met, Status::nearly_met, Status::not_met, Status::no_target, Status::no_data, Status::failed})
            st[std::string(1, status_code(x))] = status_label(x, L);
        j["st"] = st;
        nlohmann::json inds = nlohmann::json::array();
        for (std::size_t i = 0; i < d.indicators.size(); ++i)
            inds.push_back({{"id", d.indicators[i].id}, {"name", name(i)}, {"unit", d.indicators[i].unit_label}, {"helper", d.indicators[i].helper},
                            {"mapnote", is_coverage(d.indicators[i]) ? coverage_note(L) : ""}});
        j["ind"] = inds;
        nlohmann::json levels = nlohmann::json::array();
        for (std::size_t k = 0; k < d.levels.size(); ++k) {
            const auto& lv = d.levels[k];
            nlohmann::json l;
            l["level"] = lv.level_en;
            nlohmann::json ids = nlohmann::json::array(), names = nlohmann::json::array(), ov = nlohmann::json::array(), gr = nlohmann::json::array();
            for (const auto& z : lv.zones) {
                ids.push_back(z.id);
                names.push_back(z.name);
                ov.push_back(jopt(z.overall));
                gr.push_back(z.grade);
            }
            nlohmann::json v = nlohmann::json::array(), stc = nlohmann::json::array();
            for (std::size_t i = 0; i < d.indicators.size(); ++i) {
                nlohmann::json col = nlohmann::json::array();
                std::string codes;
                for (const auto& z : lv.zones) {
                    col.push_back(jnum(z.cells[i].value));
                    codes += status_code(z.cells[i].status);
                }
                v.push_back(std::move(col));
                stc.push_back(codes);
            }
            l["ids"] = ids;
            l["names"] = names;
            l["ov"] = ov;
            l["gr"] = gr;
            l["v"] = v;
            l["st"] = stc;
            if (level_has_map(d, k)) {
                nlohmann::json cls = nlohmann::json::array(), pal = nlohmann::json::array(), leg = nlohmann::json::array();
                for (std::size_t i = 0; i < d.indicators.size(); ++i) {
                    const auto c = colour_indicator(d, k, i, o);
                    std::string codes;
                    for (int x : c.zone_class) codes += x < 0 ? '-' : static_cast<char>('0' + x);
                    cls.push_back(codes);
                    pal.push_back(c.palette);
                    leg.push_back(legend_svg_body(c.legend, c.title));
                }
                l["cls"] = cls;
                l["pal"] = pal;
                l["leg"] = leg;
            }
            levels.push_back(std::move(l));
        }
        j["levels"] = levels;
        std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        std::string safe;  // "</" would end the script element
        safe.reserve(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            safe += text[i];
            if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') safe += '\\';
        }
        s += "</main>\n<script type=\"application/json\" id=\"report-data\">" + safe + "</script>\n<script>" + report_script() +
             "</script>\n</body></html>\n";
    }
};

}  // namespace

std::string render_report_html(const ReportData& data, const ReportOptions& options) { return Page(data, options).render(); }

void write_report_html(const ReportData& data, const ReportOptions& options, const fs::path& path) {
    const auto html = render_report_html(data, options);
    AtomicOutput out(path);
    {
        std::ofstream f(out.temp_path(), std::ios::binary);
        if (!f) throw OutputError("cannot create the report file", ErrorContext{out.temp_path().string()});
        f << html;
        f.close();
        if (!f) throw OutputError("write failed", ErrorContext{out.temp_path().string()});
    }
    out.commit();
}

}  // namespace citycheck::engine::report
