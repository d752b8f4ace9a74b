// CSV and OGR writers for the land-use overlay, and its report.
#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/spatial/geos.hpp>
#include <citycheck/spatial/landuse_output.hpp>
#include <citycheck/core/text.hpp>

#include <cctype>
#include <fstream>
#include <functional>
#include <iterator>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

namespace citycheck::spatial {

namespace {

double pct(double a, double whole) { return whole > 0 ? 100.0 * a / whole : 0.0; }

// One value column of the wide layout.
struct Column {
    std::string name;
    std::function<double(std::size_t zone)> value;
};

std::vector<Column> wide_columns(const OverlayResult& r, const LandTable& t) {
    std::vector<Column> cols;
    const auto& s = *t.scheme;
    cols.push_back({"zone_area_m2", [&r](std::size_t z) { return r.zone_area[z]; }});
    cols.push_back({"surveyed_m2", [&r](std::size_t z) { return r.coded_area(z); }});
    cols.push_back({"unknown_m2", [&t](std::size_t z) { return t.unknown_area[z]; }});
    cols.push_back({"unknown_pct", [&t, &r](std::size_t z) { return pct(t.unknown_area[z], r.zone_area[z]); }});
    for (std::size_t g = 0; g < s.groups().size(); ++g) {
        cols.push_back({s.groups()[g].id + "_m2", [&t, g](std::size_t z) { return t.group_at(z, g); }});
        cols.push_back({s.groups()[g].id + "_pct", [&t, &r, g](std::size_t z) { return pct(t.group_at(z, g), r.zone_area[z]); }});
    }
    for (std::size_t c = 0; c < s.classes().size(); ++c) {
        const auto base = class_column(s.classes()[c].code);
        cols.push_back({base + "_m2", [&t, c](std::size_t z) { return t.class_at(z, c); }});
        cols.push_back({base + "_pct", [&t, &r, c](std::size_t z) { return pct(t.class_at(z, c), r.zone_area[z]); }});
    }
    return cols;
}

struct LongRow {
    std::string kind, cls, name;
    double area;
};

std::vector<LongRow> long_rows(const OverlayResult& r, const LandTable& t, std::size_t z) {
    std::vector<LongRow> rows;
    const auto& s = *t.scheme;
    rows.push_back({"surveyed", "", "", r.coded_area(z)});
    for (std::size_t g = 0; g < s.groups().size(); ++g) rows.push_back({"group", s.groups()[g].id, s.groups()[g].name_zh, t.group_at(z, g)});
    for (std::size_t c = 0; c < s.classes().size(); ++c) rows.push_back({"class", s.classes()[c].code, s.classes()[c].name, t.class_at(z, c)});
    rows.push_back({"unknown", "", "", t.unknown_area[z]});
    return rows;
}

void write_csv(const std::string& path, TableLayout layout, const OverlayResult& r, const LandTable& t) {
    AtomicOutput out(path);
    {
        std::ofstream f(out.temp_path(), std::ios::binary);
        if (!f) throw OutputError("cannot write the output file", ErrorContext{path, {}, {}, {}});
        const std::string basis = csv_field(r.basis_text);
        // Zones are formatted in batches in parallel (a million numbers at 5 000 zones) and each
        // batch is written as soon as it and the ones before it are done, while later batches are
        // still being formatted: the same bytes for any thread count, and no serial write at the end.
        std::function<void(std::size_t, std::string&)> format_zone;
        std::vector<Column> cols;
        if (layout == TableLayout::wide) {
            cols = wide_columns(r, t);
            f << "zone_id,area_basis";
            for (const auto& c : cols) f << ',' << c.name;
            f << '\n';
            format_zone = [&](std::size_t z, std::string& text) {
                fmt::format_to(std::back_inserter(text), "{},{}", csv_field(r.zone_ids[z]), basis);
                for (const auto& c : cols) {
                    text += ',';
                    append_fixed(text, c.value(z), 6);
                }
                text += '\n';
            };
        } else {
            f << "zone_id,kind,class,name,area_m2,share_pct,area_basis\n";
            format_zone = [&](std::size_t z, std::string& text) {
                for (const auto& row : long_rows(r, t, z))
                    fmt::format_to(std::back_inserter(text), "{},{},{},{},{:.6f},{:.6f},{}\n", csv_field(r.zone_ids[z]), row.kind,
                                   csv_field(row.cls), csv_field(row.name), row.area, pct(row.area, r.zone_area[z]), basis);
            };
        }
        constexpr std::size_t kBatch = 64;  // zones per batch
        std::size_t next = 0;
        tbb::parallel_pipeline(
            static_cast<std::size_t>(2 * tbb::this_task_arena::max_concurrency()),
            tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                                                [&](tbb::flow_control& fc) -> std::size_t {
                                                    if (next >= t.zones) fc.stop();
                                                    const std::size_t first = next;
                                                    next += kBatch;
                                                    return first;
                                                }) &
                tbb::make_filter<std::size_t, std::string>(tbb::filter_mode::parallel,
                                                           [&](std::size_t first) {
                                                               std::string text;
                                                               for (std::size_t z = first; z < std::min(t.zones, first + kBatch); ++z)
                                                                   format_zone(z, text);
                                                               return text;
                                                           }) &
                tbb::make_filter<std::string, void>(tbb::filter_mode::serial_in_order, [&](const std::string& text) { f << text; }));
        if (!f.flush()) throw OutputError("writing the output failed (disk full?)", ErrorContext{path, {}, {}, {}});
    }
    out.commit();
}

void write_ogr(const std::string& path, TableLayout layout, const OverlayResult& r, const LandTable& t, const OverlayZones& zones) {
    const std::string drv = driver_for_extension(path);
    AtomicOutput out(path);
    {
        GdalErrorScope errors;
        DatasetPtr ds(driver(drv).Create(out.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw OutputError("cannot create the output: " + errors.last_error(), ErrorContext{path, {}, {}, {}});
        OGRSpatialReference* srs = zones.crs.empty() ? nullptr : zones.crs.ogr()->Clone();
        OGRLayer* layer = ds->CreateLayer("landuse", srs, wkbMultiPolygon, nullptr);
        if (srs) srs->Release();
        if (!layer) throw OutputError("cannot create layer landuse: " + errors.last_error(), ErrorContext{path, {}, {}, {}});
        layer->SetMetadataItem("AREA_BASIS", r.basis_text.c_str());
        OGRFieldDefn id("zone_id", OFTString), basis("area_basis", OFTString);
        layer->CreateField(&id);
        layer->CreateField(&basis);
        const auto cols = wide_columns(r, t);
        for (const auto& c : cols) {
            OGRFieldDefn fd(c.name.c_str(), OFTReal);
            layer->CreateField(&fd);
        }
        GeosContext ctx;
        ds->StartTransaction();
        for (std::size_t z = 0; z < t.zones; ++z) {
            OGRFeature f(layer->GetLayerDefn());
            f.SetField(0, r.zone_ids[z].c_str());
            f.SetField(1, r.basis_text.c_str());
            for (std::size_t c = 0; c < cols.size(); ++c) f.SetField(static_cast<int>(c + 2), cols[c].value(z));
            OGRGeometry* g = nullptr;
            const auto& wkb = zones.wkb[z];
            if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) == OGRERR_NONE && g) {
                f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g));
            }
            if (layer->CreateFeature(&f) != OGRERR_NONE)
                throw OutputError("cannot write a feature: " + errors.last_error(), ErrorContext{path, "landuse", {}, r.zone_ids[z]});
        }
        ds->CommitTransaction();
        if (layout == TableLayout::long_ && drv == "GPKG") {
            OGRLayer* lt = ds->CreateLayer("landuse_long", nullptr, wkbNone, nullptr);
            if (!lt) throw OutputError(with_gdal_reason("cannot create table landuse_long"), ErrorContext{path, {}, {}, {}});
            for (const char* name : {"zone_id", "kind", "class", "name", "area_basis"}) {
                OGRFieldDefn fd(name, OFTString);
                lt->CreateField(&fd);
            }
            for (const char* name : {"area_m2", "share_pct"}) {
                OGRFieldDefn fd(name, OFTReal);
                lt->CreateField(&fd);
            }
            ds->StartTransaction();
            for (std::size_t z = 0; z < t.zones; ++z)
                for (const auto& row : long_rows(r, t, z)) {
                    OGRFeature f(lt->GetLayerDefn());
                    f.SetField("zone_id", r.zone_ids[z].c_str());
                    f.SetField("kind", row.kind.c_str());
                    f.SetField("class", row.cls.c_str());
                    f.SetField("name", row.name.c_str());
                    f.SetField("area_basis", r.basis_text.c_str());
                    f.SetField("area_m2", row.area);
                    f.SetField("share_pct", pct(row.area, r.zone_area[z]));
                    if (lt->CreateFeature(&f) != OGRERR_NONE)
                        throw OutputError("cannot write a row: " + errors.last_error(), ErrorContext{path, "landuse_long", {}, r.zone_ids[z]});
                }
            ds->CommitTransaction();
        }
        ds.reset();  // GDAL 3.6 has no GDALDataset::Close(); errors surface through the scope
        if (!errors.last_error().empty()) throw OutputError("closing the output failed: " + errors.last_error(), ErrorContext{path, {}, {}, {}});
    }
    out.commit();
}

}  // namespace

TableLayout parse_table_layout(const std::string& text) {
    if (text == "wide") return TableLayout::wide;
    if (text == "long") return TableLayout::long_;
    throw UsageError("--format must be wide or long, not '" + text + "'");
}

std::string class_column(const std::string& code) {
    std::string out = "c";
    for (char ch : code) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

void write_landuse(const std::string& path, TableLayout layout, const OverlayResult& result, const LandTable& table,
                   const OverlayZones& zones) {
    if (driver_for_extension(path) == "CSV") write_csv(path, layout, result, table);
    else write_ogr(path, layout, result, table, zones);
}

nlohmann::json landuse_report(const ParcelSet& parcels, const OverlayZones& zones, const OverlayResult& r, const LandTable& t) {
    auto input = [](const InputReport& ir) {
        return nlohmann::json{{"read", ir.read},
                              {"used", ir.used},
                              {"null_geometry", ir.null_geometry},
                              {"empty_geometry", ir.empty_geometry},
                              {"non_polygonal", ir.non_polygonal},
                              {"repaired", ir.repaired},
                              {"repair_area_change_m2", ir.repair_area_change_m2},
                              {"null_code", ir.null_code},
                              {"null_area_field", ir.null_area_field},
                              {"repaired_examples", ir.repaired_examples},
                              {"warnings", ir.warnings}};
    };
    nlohmann::json unknown = nlohmann::json::array();
    for (const auto& u : t.unknown)
        unknown.push_back({{"code", u.code}, {"parcels", u.parcels}, {"layer_area_m2", u.layer_area}, {"zones_area_m2", u.zones_area}});
    nlohmann::json examples = nlohmann::json::array();
    for (const auto& [a, b] : r.overlaps.examples) examples.push_back({a, b});
    return {{"area_basis", r.basis_text},
            {"working_crs", parcels.crs.to_user_string()},
            {"source_crs", parcels.source_crs.to_user_string()},
            {"parcels", {{"path", parcels.path}, {"layer", parcels.layer}, {"reader", parcels.reader}, {"input", input(parcels.report)}}},
            {"zones", {{"count", zones.ids.size()}, {"input", input(zones.report)}}},
            {"scheme", {{"id", t.scheme->id()}, {"origin", t.scheme->origin()}}},
            {"unknown_codes", unknown},
            {"overlaps",
             {{"checked", r.overlaps.checked}, {"pairs", r.overlaps.pairs}, {"doubly_counted_m2", r.overlaps.doubly_counted_m2}, {"examples_fid", examples}}},
            {"stats", {{"candidates", r.stats.candidates}, {"contained_unclipped", r.stats.contained}, {"clipped", r.stats.clipped}, {"clipped_by_geos", r.stats.clipped_by_geos}}}};
}

std::string landuse_report_text(const nlohmann::json& j) {
    std::string s;
    const auto& pin = j["parcels"]["input"];
    s += fmt::format("area basis: {}\n", j["area_basis"].get<std::string>());
    s += fmt::format("parcels: {} read, {} used, {} repaired, {} without geometry, {} not polygonal\n", pin["read"].get<std::size_t>(),
                     pin["used"].get<std::size_t>(), pin["repaired"].get<std::size_t>(),
                     pin["null_geometry"].get<std::size_t>() + pin["empty_geometry"].get<std::size_t>(), pin["non_polygonal"].get<std::size_t>());
    s += fmt::format("zones: {}\n", j["zones"]["count"].get<std::size_t>());
    const auto& ov = j["overlaps"];
    if (ov["checked"].get<bool>())
        s += fmt::format("overlapping parcel pairs: {} (doubly counted {:.3f} m²)\n", ov["pairs"].get<std::size_t>(),
                         ov["doubly_counted_m2"].get<double>());
    else
        s += "overlapping parcels: not checked\n";
    for (const auto& u : j["unknown_codes"])
        s += fmt::format("unknown code '{}': {} parcel(s), {:.3f} m² in the layer, {:.3f} m² inside the zones\n", u["code"].get<std::string>(),
                         u["parcels"].get<std::size_t>(), u["layer_area_m2"].get<double>(), u["zones_area_m2"].get<double>());
    return s;
}

}  // namespace citycheck::spatial
