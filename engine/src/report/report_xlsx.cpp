// XLSX workbook through GDAL's XLSX driver: OGR layers become sheets, fields the header row.
#include <citycheck/engine/report/report_xlsx.hpp>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <cmath>

namespace citycheck::engine::report {

namespace fs = std::filesystem;

namespace {

struct Sheet {
    OGRLayer* layer = nullptr;
    std::string path, name;
};

void add_field(const Sheet& sh, const std::string& name, OGRFieldType type, spatial::GdalErrorScope& scope) {
    OGRFieldDefn f(name.c_str(), type);
    if (sh.layer->CreateField(&f) != OGRERR_NONE)
        throw OutputError("cannot create column: " + scope.last_error(), ErrorContext{sh.path, sh.name, name});
}

void write(const Sheet& sh, OGRFeature& f, spatial::GdalErrorScope& scope) {
    if (sh.layer->CreateFeature(&f) != OGRERR_NONE) throw OutputError("cannot write a row: " + scope.last_error(), ErrorContext{sh.path, sh.name});
}

void set_num(OGRFeature& f, int field, double v) {
    if (std::isfinite(v)) f.SetField(field, v);
}

// Sheet names: at most 31 characters, none of []:*?/\ .
std::string sheet_name(std::string s) {
    for (auto& c : s)
        if (std::string("[]:*?/\\").find(c) != std::string::npos) c = '_';
    return s;
}

}  // namespace

void write_report_xlsx(const ReportData& data, const ReportOptions& options, const fs::path& path) {
    const Lang L = options.lang;
    spatial::GdalEnvironment::ensure();
    AtomicOutput out(path);
    const std::string tmp = out.temp_path().string();
    {
        spatial::GdalErrorScope scope;
        spatial::DatasetPtr ds(spatial::driver("XLSX").Create(tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw OutputError("cannot create the workbook: " + scope.last_error(), ErrorContext{path.string()});

        Sheet info{ds->CreateLayer(sheet_name(tx(L, "指标", "indicators")).c_str(), nullptr, wkbNone, nullptr), path.string(), "indicators"};
        if (!info.layer) throw OutputError("cannot create a sheet: " + scope.last_error(), ErrorContext{path.string()});
        const std::vector<std::string> info_cols = {"id", tx(L, "名称", "name"), "name_en", tx(L, "单位", "unit"), tx(L, "目标", "target"),
                                                    tx(L, "目标依据", "target_source"), "tdt1063", "mohurd", tx(L, "计算原语", "primitive"),
                                                    tx(L, "辅助", "helper"), tx(L, "计算失败", "failed")};
        for (const auto& c : info_cols) add_field(info, c, OFTString, scope);
        for (const auto& ind : data.indicators) {
            OGRFeature f(info.layer->GetLayerDefn());
            const std::vector<std::string> row = {ind.id, indicator_name(ind, L), ind.name_en, ind.unit_label, ind.target_text, ind.target_source,
                                                  ind.tdt1063, ind.mohurd, ind.primitive, ind.helper ? "1" : "", ind.failed ? ind.failure : ""};
            for (std::size_t c = 0; c < row.size(); ++c)
                if (!row[c].empty()) f.SetField(static_cast<int>(c), row[c].c_str());
            write(info, f, scope);
        }

        for (const auto& level : data.levels) {
            const std::string name = sheet_name(level_label(level, L));
            Sheet sh{ds->CreateLayer(name.c_str(), nullptr, wkbNone, nullptr), path.string(), name};
            if (!sh.layer) throw OutputError("cannot create a sheet: " + scope.last_error(), ErrorContext{path.string(), name});
            add_field(sh, "zone_id", OFTString, scope);
            add_field(sh, "zone_name", OFTString, scope);
            add_field(sh, "parent_id", OFTString, scope);
            add_field(sh, "score_overall", OFTReal, scope);
            add_field(sh, "grade_overall", OFTString, scope);
            for (const auto& ind : data.indicators) {
                add_field(sh, ind.id, OFTReal, scope);
                add_field(sh, ind.id + "_status", OFTString, scope);
                add_field(sh, ind.id + "_score", OFTReal, scope);
                add_field(sh, ind.id + "_grade", OFTString, scope);
            }
            for (const auto& z : level.zones) {
                OGRFeature f(sh.layer->GetLayerDefn());
                f.SetField(0, z.id.c_str());
                if (!z.name.empty()) f.SetField(1, z.name.c_str());
                if (!z.parent_id.empty()) f.SetField(2, z.parent_id.c_str());
                if (z.overall) set_num(f, 3, *z.overall);
                if (!z.grade.empty()) f.SetField(4, z.grade.c_str());
                for (std::size_t i = 0; i < data.indicators.size(); ++i) {
                    const auto& c = z.cells[i];
                    const int base = 5 + 4 * static_cast<int>(i);
                    set_num(f, base, c.value);
                    f.SetField(base + 1, status_label(c.status, L).c_str());
                    if (c.score) set_num(f, base + 2, *c.score);
                    if (!c.grade.empty()) f.SetField(base + 3, c.grade.c_str());
                }
                write(sh, f, scope);
            }
        }
        ds.reset();  // the driver writes the file on close (GDAL 3.6 has no checked Close())
        std::error_code ec;
        if (!fs::exists(tmp, ec) || fs::file_size(tmp, ec) == 0)
            throw OutputError("cannot write the workbook: " + scope.last_error(), ErrorContext{path.string()});
    }
    out.commit();
}

}  // namespace citycheck::engine::report
