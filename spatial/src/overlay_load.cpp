// Loading parcels and zones for the overlay: layer choice, encodings, CRS resolution (including
// zone-prefixed Gauss-Krüger eastings), reprojection, repair of invalid polygons, packing as WKB.
#include "gpkg_direct.hpp"
#include "overlay_clip_area.hpp"
#include "overlay_internal.hpp"

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/core/per_thread.hpp>
#include <citycheck/spatial/encoding.hpp>
#include <citycheck/spatial/feature_read.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/spatial/overlay.hpp>
#include <citycheck/core/stopwatch.hpp>
#include <citycheck/spatial/zone_layer.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/task_group.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace citycheck::spatial {

AreaSpec AreaSpec::parse(const std::string& text) {
    if (text == "planar") return {AreaBasis::planar, {}};
    if (text == "ellipsoidal") return {AreaBasis::ellipsoidal, {}};
    if (text.rfind("field:", 0) == 0 && text.size() > 6) return {AreaBasis::field, text.substr(6)};
    throw UsageError("--area must be planar, ellipsoidal or field:NAME (e.g. field:TBDLMJ), not '" + text + "'");
}

namespace {

constexpr std::size_t MAX_EXAMPLES = 20;

OGRLayer& choose_layer(GDALDataset& ds, const std::string& path, const std::string& wanted, const char* preferred) {
    if (!wanted.empty()) {
        if (OGRLayer* l = ds.GetLayerByName(wanted.c_str())) return *l;
    } else {
        if (ds.GetLayerCount() == 1) return *ds.GetLayer(0);
        if (preferred)
            if (OGRLayer* l = ds.GetLayerByName(preferred)) return *l;
    }
    std::string names;
    for (int i = 0; i < ds.GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
    if (ds.GetLayerCount() == 0) throw InputError("the dataset has no vector layer", ErrorContext{path, {}, {}, {}});
    throw UsageError((wanted.empty() ? std::string("several layers; choose one with --layer: ")
                                     : "no layer named '" + wanted + "'; the layers are: ") + names,
                     ErrorContext{path, wanted, {}, {}});
}

int field_index(OGRLayer& layer, const std::string& name, const std::string& path, const char* what) {
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    const int idx = defn->GetFieldIndex(name.c_str());
    if (idx >= 0) return idx;
    std::string names;
    for (int i = 0; i < defn->GetFieldCount(); ++i) names += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    throw UsageError(std::string("no ") + what + " field '" + name + "'; the fields are: " + names,
                     ErrorContext{path, layer.GetName(), name, {}});
}

std::string quote_sql(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

// The attribute filter of a read: --where, the CZCSXM list and extra, joined by AND (SQL; for a
// GeoPackage, GDAL hands it to SQLite as it is).
std::string filter_sql(OGRLayer& layer, const ParcelSource& src, const std::string& extra = {}) {
    std::string where = src.where;
    if (!src.czcsxm.empty()) {
        const int idx = field_index(layer, src.czcsxm_field, src.path, "town/village (CZCSXM)");
        const bool numeric = layer.GetLayerDefn()->GetFieldDefn(idx)->GetType() != OFTString;
        std::string list;
        for (const auto& v : src.czcsxm) {
            if (!list.empty()) list += ", ";
            if (numeric) {
                if (v.find_first_not_of("0123456789") != std::string::npos)
                    throw UsageError("CZCSXM value '" + v + "' is not a number but the field is numeric", ErrorContext{src.path, {}, src.czcsxm_field, {}});
                list += v;
            } else {
                list += quote_sql(v);
            }
        }
        const std::string f = "\"" + src.czcsxm_field + "\" IN (" + list + ")";
        where = where.empty() ? f : "(" + where + ") AND " + f;
    }
    if (!extra.empty()) where = where.empty() ? extra : "(" + where + ") AND " + extra;
    return where;
}

void apply_filters(OGRLayer& layer, const ParcelSource& src, const std::string& extra = {}) {
    const std::string where = filter_sql(layer, src, extra);
    if (where.empty()) return;
    GdalErrorScope errors;
    if (layer.SetAttributeFilter(where.c_str()) != OGRERR_NONE)
        throw UsageError("bad attribute filter '" + where + "': " + errors.last_error(), ErrorContext{src.path, layer.GetName(), {}, {}});
}

// The layer's CRS after overrides, with zone-prefixed GK eastings recognised when the CRS is
// missing or contradicts the coordinates.
Crs working_crs_for(const Crs& source, OGRLayer& layer) {
    if (source.is_projected() && std::abs(source.linear_units_to_metre() - 1.0) < 1e-12) return source;
    OGREnvelope env;
    if (layer.GetExtent(&env, TRUE) != OGRERR_NONE) return metric_crs_for(114.0, 30.0);  // empty layer: any metric CRS
    double x = 0.5 * (env.MinX + env.MaxX), y = 0.5 * (env.MinY + env.MaxY);
    if (!source.is_geographic()) Transform(source, detail::cgcs2000_geographic()).apply(x, y);
    return metric_crs_for(x, y);
}

// One raw feature as read. Its WKB lies in its chunk's byte buffer (one buffer per chunk, not one
// allocation per feature). A small simple ring that needs no reprojection is measured right after
// its bytes were copied, while they are in cache; the rest are prepared after the read.
struct RawFeature {
    std::int64_t fid;
    std::uint32_t code;
    bool measured;  // planar and box are set
    double field_area;
    double planar;
    Box box;
    std::size_t wkb_begin, wkb_size;
};

struct Prepared {
    enum class State { ok, non_polygonal } state = State::ok;
    bool repaired = false;
    double repair_change = 0;
    std::string repair_reason;
    double planar = 0, basis = 0;
    Box box;
    std::vector<unsigned char> wkb;  // empty: the raw WKB is already right
};

struct Worker {
    GeosContext ctx;
    Transform to_work;
    std::optional<Transform> to_lonlat;
    detail::Rings scratch;
};

// Parse, reproject, repair and measure one geometry. try_quick: a small simple ring is measured
// directly, without building a GEOS geometry (false when that test has already failed on it).
Prepared prepare_geometry(Worker& w, std::span<const unsigned char> raw, bool need_geodesic, bool try_quick = true) {
    Prepared p;
    if (try_quick && w.to_work.is_identity() && !need_geodesic)
        if (const auto quick = detail::quick_simple_polygon(raw, w.scratch)) {
            p.planar = p.basis = quick->area;
            p.box = quick->box;
            return p;
        }
    const auto& ctx = w.ctx;
    GeomPtr g = ctx.from_wkb(raw);
    bool changed = false;
    if (!w.to_work.is_identity()) {
        g = detail::transform_geometry(ctx, *g, w.to_work);
        changed = true;
    }
    if (!ctx.is_valid(*g)) {
        p.repaired = true;
        p.repair_reason = ctx.invalid_reason(*g);
        const double before = std::abs(ctx.area(*g));
        GeomPtr fixed = ctx.make_valid(*g);
        g = polygonal_part(ctx, *fixed);
        if (!g) {
            p.state = Prepared::State::non_polygonal;
            return p;
        }
        p.repair_change = std::abs(ctx.area(*g) - before);
        changed = true;
    } else {
        const int t = GEOSGeomTypeId_r(ctx.get(), g.get());
        if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) {
            g = polygonal_part(ctx, *g);
            if (!g) {
                p.state = Prepared::State::non_polygonal;
                return p;
            }
            changed = true;
        }
    }
    if (GEOSisEmpty_r(ctx.get(), g.get()) == 1) {
        p.state = Prepared::State::non_polygonal;
        return p;
    }
    p.planar = ctx.area(*g);
    p.basis = need_geodesic ? detail::geodesic_area(ctx, *g, *w.to_lonlat) : p.planar;
    p.box = ctx.envelope(*g);
    if (changed) p.wkb = ctx.to_wkb(*g);
    return p;
}

// Appends one OGR geometry as 2D linear WKB to bytes; false (with a count) when it is null, empty
// or not areal. g may be flattened in place.
bool read_geometry(OGRGeometry* g, InputReport& report, std::vector<unsigned char>& bytes) {
    if (!g) {
        ++report.null_geometry;
        return false;
    }
    if (g->IsEmpty()) {
        ++report.empty_geometry;
        return false;
    }
    std::unique_ptr<OGRGeometry> linear;
    if (g->hasCurveGeometry()) {
        linear.reset(g->getLinearGeometry());
        g = linear.get();
    }
    const auto type = wkbFlatten(g->getGeometryType());
    if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbGeometryCollection) {
        ++report.non_polygonal;
        return false;
    }
    g->flattenTo2D();
    const std::size_t at = bytes.size();
    bytes.resize(at + g->WkbSize());
    g->exportToWkb(wkbNDR, bytes.data() + at, wkbVariantIso);
    return true;
}

// The direct reader met something only OGR reads the way OGR does: the layer goes to OGR instead.
struct DirectReadUnsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Appends the geometry of a GeoPackage blob as the OGR path would (read_geometry): a plain 2D
// polygon or multipolygon as it is (OGR would write back the same bytes), anything else through an
// OGR geometry made from the same WKB, as GDAL's driver makes it.
bool read_blob(const detail::GpkgRow& row, InputReport& report, std::vector<unsigned char>& bytes) {
    if (row.geometry_null) {
        ++report.null_geometry;
        return false;
    }
    const auto blob = detail::parse_gpkg_blob(row.geometry);
    if (!blob) throw DirectReadUnsupported("fid " + std::to_string(row.fid) + ": not a GeoPackage geometry blob");
    if (!blob->empty_flag && !blob->extended)
        if (const std::size_t n = detail::plain_polygonal_wkb_size(blob->wkb)) {
            const auto wkb = blob->wkb.first(n);
            bytes.insert(bytes.end(), wkb.begin(), wkb.end());
            return true;
        }
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(blob->wkb.data(), nullptr, &g, blob->wkb.size()) != OGRERR_NONE)
        throw DirectReadUnsupported("fid " + std::to_string(row.fid) + ": WKB that OGR cannot read");
    const OGRGeometryUniquePtr owned(g);
    return read_geometry(g, report, bytes);
}

// Features of one read, with codes numbered in order of first appearance within it.
struct RawChunk {
    std::vector<RawFeature> features;
    std::vector<unsigned char> bytes;  // the features' WKB, back to back
    std::vector<std::string> codes;
    InputReport report;  // counts only
};

struct CodeHash {
    using is_transparent = void;  // lookups by string_view, no string built per feature
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// Collects the attributes of the features kept in one chunk (their WKB is already in its bytes).
struct ChunkBuilder {
    bool with_area = false;
    bool measure = false;  // measure small simple rings as they are read (no reprojection, planar)
    RawChunk chunk;
    std::unordered_map<std::string, std::uint32_t, CodeHash, std::equal_to<>> code_ids;
    detail::Rings scratch;

    void add(std::int64_t fid, std::string_view code, std::size_t wkb_begin, std::optional<double> area) {
        RawFeature r{};
        r.fid = fid;
        r.wkb_begin = wkb_begin;
        r.wkb_size = chunk.bytes.size() - wkb_begin;
        if (measure)
            if (const auto quick = detail::quick_simple_polygon({chunk.bytes.data() + wkb_begin, r.wkb_size}, scratch)) {
                r.measured = true;
                r.planar = quick->area;
                r.box = quick->box;
            }
        const auto b = code.find_first_not_of(" \t\r\n"), e = code.find_last_not_of(" \t\r\n");
        code = b == std::string_view::npos ? std::string_view() : code.substr(b, e - b + 1);
        if (code.empty()) ++chunk.report.null_code;
        auto it = code_ids.find(code);
        if (it == code_ids.end()) {
            it = code_ids.emplace(std::string(code), static_cast<std::uint32_t>(chunk.codes.size())).first;
            chunk.codes.emplace_back(code);
        }
        r.code = it->second;
        if (with_area) {
            if (area) r.field_area = *area;
            else ++chunk.report.null_area_field;
        }
        chunk.features.push_back(r);
    }
};

struct ChunkReader {
    const ParcelSource& src;
    int code_idx, area_idx;
    bool measure;

    // Reads every feature the layer returns (filters already set), counting them into `read`
    // (shared by the ranges read at the same time; it reports progress and may cancel).
    RawChunk read(OGRLayer& layer, ProgressCounter& read, GIntBig expected) const {
        ChunkBuilder b{area_idx >= 0, measure, {}, {}, {}};
        if (expected > 0) b.chunk.features.reserve(static_cast<std::size_t>(expected));
        layer.ResetReading();
        GdalErrorScope errors;
        for (auto& f : layer) {
            ++b.chunk.report.read;
            const std::size_t at = b.chunk.bytes.size();
            if (!read_geometry(f->GetGeometryRef(), b.chunk.report, b.chunk.bytes)) continue;
            std::optional<double> area;
            if (area_idx >= 0 && f->IsFieldSetAndNotNull(area_idx)) area = f->GetFieldAsDouble(area_idx);
            b.add(f->GetFID(), f->IsFieldSetAndNotNull(code_idx) ? f->GetFieldAsString(code_idx) : "", at, area);
            count(b.chunk.report.read, read);
        }
        read.step(b.chunk.report.read % kProgressStep);
        if (!errors.last_error().empty())
            throw InputError("reading the parcels failed: " + errors.last_error(), ErrorContext{src.path, layer.GetName(), {}, {}});
        return std::move(b.chunk);
    }

    // The same from the rows of a GeoPackage table read through SQLite.
    RawChunk read_direct(detail::GpkgRows& rows, ProgressCounter& read, GIntBig expected) const {
        ChunkBuilder b{area_idx >= 0, measure, {}, {}, {}};
        if (expected > 0) b.chunk.features.reserve(static_cast<std::size_t>(expected));
        GdalErrorScope errors;
        detail::GpkgRow row;
        while (rows.next(row)) {
            ++b.chunk.report.read;
            const std::size_t at = b.chunk.bytes.size();
            if (!read_blob(row, b.chunk.report, b.chunk.bytes)) continue;
            b.add(row.fid, row.code, at, row.area_null ? std::nullopt : std::optional<double>(row.area));
            count(b.chunk.report.read, read);
        }
        read.step(b.chunk.report.read % kProgressStep);
        // An OGR error while making a geometry would have failed the OGR read: let OGR decide.
        if (!errors.last_error().empty()) throw DirectReadUnsupported(errors.last_error());
        return std::move(b.chunk);
    }

  private:
    static constexpr std::size_t kProgressStep = 16384;
    static void count(std::size_t done, ProgressCounter& read) {
        if (done % kProgressStep == 0) read.step(kProgressStep);
    }
};

bool is_gpkg(GDALDataset& ds) { return ds.GetDriver() && std::string(ds.GetDriver()->GetDescription()) == "GPKG"; }

using FidRange = std::pair<std::int64_t, std::int64_t>;

// FID ranges [first, second] splitting a GeoPackage table for a parallel read (its FID is the
// SQLite rowid, so a range is an index scan in FID order); empty for other formats, for small
// layers and for a single thread.
std::vector<FidRange> fid_ranges(GDALDataset& ds, OGRLayer& layer, std::size_t threads, std::size_t per_thread) {
    constexpr GIntBig MIN_PARALLEL_FEATURES = 50000;
    std::vector<FidRange> out;
    const std::size_t parts = threads * per_thread;
    if (threads <= 1 || !is_gpkg(ds)) return out;
    if (*layer.GetFIDColumn() == 0 || layer.GetFeatureCount(TRUE) < MIN_PARALLEL_FEATURES) return out;
    // Two subqueries: SQLite answers a lone MIN or MAX of the rowid from the b-tree, both at once by a scan.
    const std::string sql = fmt::format("SELECT (SELECT MIN({0}) FROM {1}), (SELECT MAX({0}) FROM {1})",
                                        detail::quote_identifier(layer.GetFIDColumn()), detail::quote_identifier(layer.GetName()));
    OGRLayer* res = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!res) return out;
    std::int64_t lo = 0, hi = -1;
    if (OGRFeatureUniquePtr f{res->GetNextFeature()}; f && f->IsFieldSetAndNotNull(0) && f->IsFieldSetAndNotNull(1)) {
        lo = f->GetFieldAsInteger64(0);
        hi = f->GetFieldAsInteger64(1);
    }
    ds.ReleaseResultSet(res);
    if (hi < lo) return out;
    const std::int64_t span = hi - lo + 1, step = std::max<std::int64_t>(1, (span + static_cast<std::int64_t>(parts) - 1) / static_cast<std::int64_t>(parts));
    for (std::int64_t a = lo; a <= hi; a += step) out.emplace_back(a, std::min(hi, a + step - 1));
    return out;
}

// The filter that restricts a read to one FID range.
std::string fid_range_sql(OGRLayer& layer, const FidRange& r) {
    return fmt::format("{0} >= {1} AND {0} <= {2}", detail::quote_identifier(layer.GetFIDColumn()), r.first, r.second);
}

// The same with the range as SQL parameters ?1 and ?2 (GpkgRows::restart binds them).
std::string fid_range_parameters_sql(OGRLayer& layer) {
    return fmt::format("{0} >= ?1 AND {0} <= ?2", detail::quote_identifier(layer.GetFIDColumn()));
}

// The table behind a GeoPackage layer when the direct reader gives exactly what the OGR path
// gives for it; otherwise nullopt and the reason in why.
std::optional<detail::GpkgTable> direct_table(GDALDataset& ds, OGRLayer& layer, const ParcelSource& src, int code_idx, int area_idx,
                                              std::string& why) {
    const auto no = [&](std::string reason) {
        why = std::move(reason);
        return std::nullopt;
    };
    if (!src.gpkg_direct) return no("the direct GeoPackage reader is off");
    if (const char* env = std::getenv("CITYCHECK_GPKG_DIRECT"); env && std::string_view(env) == "0")
        return no("CITYCHECK_GPKG_DIRECT=0");
    if (!is_gpkg(ds)) return no("not a GeoPackage");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(src.path, ec)) return no("not a plain file");  // e.g. /vsizip/…
    if (*layer.GetFIDColumn() == 0 || *layer.GetGeometryColumn() == 0 || layer.GetLayerDefn()->GetGeomFieldCount() != 1)
        return no("no FID or geometry column");
    // Newer GDAL versions register their own LIKE (UTF-8 aware) on their SQLite connection.
    std::string lower = filter_sql(layer, src);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("like") != std::string::npos) return no("the filter uses LIKE");
    // The calls OGR makes for a field type give the value OGR reports; subtypes (booleans, int16)
    // are clamped by OGR and stay with it.
    const auto column = [&](int idx, bool text) -> std::optional<detail::GpkgColumn> {
        const OGRFieldDefn* f = layer.GetLayerDefn()->GetFieldDefn(idx);
        if (f->GetSubType() != OFSTNone) return std::nullopt;
        switch (f->GetType()) {
            case OFTString: return text ? std::optional(detail::GpkgColumn::text) : std::nullopt;
            case OFTInteger: return detail::GpkgColumn::int32;
            case OFTInteger64: return detail::GpkgColumn::int64;
            case OFTReal: return text ? std::nullopt : std::optional(detail::GpkgColumn::real);
            default: return std::nullopt;
        }
    };
    detail::GpkgTable t;
    t.path = src.path;
    t.table = layer.GetName();
    t.fid_column = layer.GetFIDColumn();
    t.geometry_column = layer.GetGeometryColumn();
    const auto code_type = column(code_idx, true);
    if (!code_type) return no("the code field is neither text nor integer");
    t.code_column = layer.GetLayerDefn()->GetFieldDefn(code_idx)->GetNameRef();
    t.code_type = *code_type;
    if (area_idx >= 0) {
        const auto area_type = column(area_idx, false);
        if (!area_type) return no("the area field is not numeric");
        t.area_column = layer.GetLayerDefn()->GetFieldDefn(area_idx)->GetNameRef();
        t.area_type = *area_type;
    }
    return t;
}

// A GeoPackage table through SQLite: one connection per FID range (or one for the whole table).
std::vector<RawChunk> read_chunks_direct(const detail::GpkgTable& table, OGRLayer& layer, const ParcelSource& src,
                                         const std::vector<FidRange>& ranges, const ChunkReader& reader, ProgressCounter& read) {
    // Opened and prepared once up front: a filter that only GDAL's connection knows (its SQL
    // functions) fails here and leaves the layer to OGR.
    std::optional<detail::GpkgRows> whole;
    try {
        whole.emplace(table, filter_sql(layer, src));
    } catch (const InputError& e) {
        throw DirectReadUnsupported(e.message());
    }
    std::vector<RawChunk> chunks(std::max<std::size_t>(ranges.size(), 1));
    if (ranges.empty()) {
        chunks[0] = reader.read_direct(*whole, read, layer.GetFeatureCount(FALSE));
        return chunks;
    }
    whole.reset();
    // One connection and prepared statement per thread, restarted for each of its ranges.
    // The range first, so that its parameters are ?1 and ?2 whatever the user's filter holds.
    const std::string user = filter_sql(layer, src);
    const std::string filter = fid_range_parameters_sql(layer) + (user.empty() ? "" : " AND (" + user + ")");
    PerThread<detail::GpkgRows> connections([&] {
        std::optional<detail::GpkgRows> rows;
        try {
            rows.emplace(table, filter);
        } catch (const InputError& e) {  // as for the whole table above: OGR reads the layer instead
            throw DirectReadUnsupported(e.message());
        }
        // A parameter in the user's filter would take the range's place: OGR reads such a layer.
        if (rows->parameter_count() != 2) throw DirectReadUnsupported("the filter has SQL parameters");
        return std::move(*rows);
    });
    tbb::parallel_for(std::size_t(0), ranges.size(), [&](std::size_t i) {
        auto& rows = connections.local();
        rows.restart(ranges[i].first, ranges[i].second);
        chunks[i] = reader.read_direct(rows, read, -1);
    });
    return chunks;
}

// Any layer through OGR: a GeoPackage in FID ranges on one handle each, anything else serially
// (OGR handles are single-threaded).
std::vector<RawChunk> read_chunks_ogr(OGRLayer& layer, const ParcelSource& src, const std::vector<FidRange>& ranges,
                                      const ChunkReader& reader, ProgressCounter& read) {
    std::vector<RawChunk> chunks(std::max<std::size_t>(ranges.size(), 1));
    if (ranges.empty()) {
        chunks[0] = reader.read(layer, read, layer.GetFeatureCount(FALSE));
        return chunks;
    }
    const std::string name = layer.GetName();
    std::vector<std::string> range_filters;
    for (const auto& r : ranges) range_filters.push_back(fid_range_sql(layer, r));
    tbb::parallel_for(std::size_t(0), ranges.size(), [&](std::size_t i) {
        auto own = open_dataset(src.path, DatasetKind::vector, vector_open_options(src.path, src.encoding));
        OGRLayer& l = choose_layer(*own, src.path, name, nullptr);
        apply_filters(l, src, range_filters[i]);
        chunks[i] = reader.read(l, read, -1);
    });
    return chunks;
}

}  // namespace

namespace {

// The parcel layer opened and filtered, with its CRS resolved and the working CRS chosen.
struct OpenedParcels {
    DatasetPtr ds;
    OGRLayer* layer = nullptr;
    Crs source_crs, crs;
    std::vector<std::string> warnings;
};

OpenedParcels open_parcels(const ParcelSource& src) {
    OpenedParcels o;
    o.ds = open_dataset(src.path, DatasetKind::vector, vector_open_options(src.path, src.encoding));
    o.layer = &choose_layer(*o.ds, src.path, src.layer, "DLTB");
    apply_filters(*o.layer, src);
    o.source_crs = resolve_layer_crs(*o.layer, src.crs.empty() ? Crs{} : Crs::from_user_input(src.crs), src.path, o.warnings);
    o.crs = working_crs_for(o.source_crs, *o.layer);
    return o;
}

}  // namespace

Crs parcels_working_crs(const ParcelSource& src) {
    GdalEnvironment::ensure();
    return open_parcels(src).crs;
}

ParcelSet load_parcels(const ParcelSource& src, const AreaSpec& area, const Progress& progress) {
    GdalEnvironment::ensure();
    if (src.code_field.empty()) throw UsageError("the class code field is required (--code-field DLBM)");
    OpenedParcels opened = open_parcels(src);
    auto& ds = opened.ds;
    OGRLayer& layer = *opened.layer;
    ParcelSet set;
    set.path = src.path;
    set.layer = layer.GetName();
    set.area = area;
    const int code_idx = field_index(layer, src.code_field, src.path, "class code");
    const int area_idx = area.basis == AreaBasis::field ? field_index(layer, area.field, src.path, "area") : -1;
    set.source_crs = opened.source_crs;
    set.crs = opened.crs;
    set.report.warnings = std::move(opened.warnings);

    // 1. Read attributes and raw WKB: a GeoPackage through SQLite when the direct reader gives the
    //    same result as OGR, else through OGR; a GeoPackage of 50 000 features or more in FID ranges
    //    in parallel (one connection or handle each). Chunks merge in range order.
    progress.report(0.0, "reading parcels");
    Stopwatch stage;  // stage times in the debug log
    // The loops below fill buffers that are not zeroed first and that serial code reads next: they
    // must run to the end even if a task group around this call is cancelled (e.g. a sibling
    // loader failed), so they run in their own context.
    tbb::task_group_context isolated(tbb::task_group_context::isolated);
    const bool geodesic = area.basis == AreaBasis::ellipsoidal;
    const bool field = area.basis == AreaBasis::field;
    const Crs work = set.crs, source = set.source_crs;
    // Parcels already in the working CRS and measured in the plane: small simple rings are measured
    // as they are read (their bytes are in cache then), not in a second pass over all the WKB; but
    // only where the read itself is parallel or there is one thread, so that a serial read of a
    // Shapefile or FileGDB layer leaves the measuring to the parallel preparation.
    const bool quick_possible = !geodesic && !source.empty() && source.same_as(work);
    bool measured_at_read = false;
    std::vector<RawChunk> chunks;  // hold the WKB bytes until the parcels are packed
    {
        // Ranges per thread: many for SQLite (a connection is cheap; the zone branch holds one thread
        // for a while, and small ranges keep the threads even), few for OGR (a dataset per range).
        const auto threads = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
        const auto ranges = fid_ranges(*ds, layer, threads, 32);
        // The OGR reader splits a layer exactly when the direct one does (into fewer ranges).
        measured_at_read = quick_possible && (threads == 1 || !ranges.empty());
        const ChunkReader reader{src, code_idx, area_idx, measured_at_read};
        std::string why_ogr;
        // Progress over the features read by all ranges together; a cancel (the user's, or a
        // sibling loader that failed) stops the reading at the next percent.
        const Progress read_progress = progress.scaled(0.0, 0.4);  // outlives the counters
        const auto expected = static_cast<std::size_t>(std::max<GIntBig>(layer.GetFeatureCount(FALSE), 0));
        if (const auto table = direct_table(*ds, layer, src, code_idx, area_idx, why_ogr)) {
            try {
                ProgressCounter read(read_progress, expected, "reading parcels");
                chunks = read_chunks_direct(*table, layer, src, ranges, reader, read);
                set.reader = "gpkg-direct";
            } catch (const DirectReadUnsupported& e) {
                why_ogr = e.what();
            }
        }
        if (set.reader.empty()) {
            log::debug("parcels read by OGR: " + why_ogr);
            ProgressCounter read(read_progress, expected, "reading parcels");
            chunks = read_chunks_ogr(layer, src, fid_ranges(*ds, layer, threads, 4), reader, read);
            set.reader = "ogr";
        }
    }
    const double read_s = stage.lap();

    // 2. Codes numbered in order of first appearance over the chunks in order (serial: few codes);
    //    then each parcel's columns written at its read position, in parallel per chunk, into memory
    //    that is not zeroed first. WKB is not copied: a parcel points to its bytes in the read's
    //    chunk buffers (or, once rewritten below, in its block's buffer of rewritten ones).
    std::unordered_map<std::string, std::uint32_t> code_ids;
    std::vector<std::vector<std::uint32_t>> global(chunks.size());
    std::vector<std::size_t> first(chunks.size() + 1, 0);  // read position of each chunk's first parcel
    for (std::uint32_t ci = 0; ci < chunks.size(); ++ci) {
        const auto& c = chunks[ci];
        set.report.read += c.report.read;
        set.report.null_geometry += c.report.null_geometry;
        set.report.empty_geometry += c.report.empty_geometry;
        set.report.non_polygonal += c.report.non_polygonal;
        set.report.null_code += c.report.null_code;
        set.report.null_area_field += c.report.null_area_field;
        for (const auto& code : c.codes) {
            auto [it, inserted] = code_ids.try_emplace(code, static_cast<std::uint32_t>(set.codes.size()));
            if (inserted) set.codes.push_back(code);
            global[ci].push_back(it->second);
        }
        first[ci + 1] = first[ci] + c.features.size();
    }
    if (set.report.null_geometry)
        set.report.warnings.push_back(fmt::format("{} parcel(s) without geometry were skipped", set.report.null_geometry));
    if (set.report.empty_geometry)
        set.report.warnings.push_back(fmt::format("{} parcel(s) with an empty geometry were skipped", set.report.empty_geometry));
    const std::size_t n = first.back();
    // The per-parcel columns, for what is done to all of them alike.
    const auto each_column = [&](auto&& f) {
        f(set.fid), f(set.code_of), f(set.planar_area), f(set.basis_area), f(set.boxes), f(set.wkb_begin), f(set.wkb_size);
        if (field) f(set.field_area);
    };
    each_column([&](auto& column) { column.resize(n); });
    std::unique_ptr<std::atomic<bool>[]> chunk_used(new std::atomic<bool>[chunks.size()]);  // a kept parcel points into it
    for (std::size_t c = 0; c < chunks.size(); ++c) chunk_used[c].store(false, std::memory_order_relaxed);
    std::vector<std::vector<std::size_t>> unmeasured(chunks.size());  // read positions, ascending
    tbb::parallel_for(std::size_t(0), chunks.size(), [&](std::size_t ci) {
        auto& c = chunks[ci];
        std::size_t i = first[ci];
        for (const RawFeature& f : c.features) {
            set.fid[i] = f.fid;
            set.code_of[i] = global[ci][f.code];
            if (field) set.field_area[i] = f.field_area;
            set.wkb_begin[i] = c.bytes.data() + f.wkb_begin;
            set.wkb_size[i] = f.wkb_size;
            if (f.measured) {
                set.planar_area[i] = f.planar;
                set.basis_area[i] = field ? f.field_area : f.planar;
                set.boxes[i] = f.box;
                if (!chunk_used[ci].load(std::memory_order_relaxed)) chunk_used[ci].store(true, std::memory_order_relaxed);
            } else {
                unmeasured[ci].push_back(i);
            }
            ++i;
        }
        std::vector<RawFeature>().swap(c.features);
    }, isolated);
    std::vector<std::size_t> todo;  // all unmeasured, in read order
    for (auto& u : unmeasured) todo.insert(todo.end(), u.begin(), u.end()), std::vector<std::size_t>().swap(u);
    const auto chunk_of = [&](std::size_t i) { return static_cast<std::size_t>(std::upper_bound(first.begin(), first.end(), i) - first.begin() - 1); };

    // 3. Parallel preparation of the rest: reproject, repair, measure (one GEOS context and
    //    transforms per thread). The rare extras (repairs, rewritten WKB) go to their block's own
    //    list, and the rare parcels without a polygon are squeezed out afterwards.
    PerThread<Worker> workers([&] {
        Worker w{GeosContext(), Transform(source, work), std::nullopt, {}};
        if (geodesic) w.to_lonlat.emplace(work, detail::cgcs2000_geographic());
        return w;
    });
    struct Extra {
        std::size_t parcel;  // read position
        bool repaired;
        double repair_change;
        std::string repair_reason;
        std::vector<unsigned char> wkb;  // empty: the raw WKB is already right
    };
    constexpr std::size_t kBlock = 512;
    const std::size_t blocks = (todo.size() + kBlock - 1) / kBlock;
    std::vector<std::vector<Extra>> extras(blocks);
    std::vector<std::vector<std::size_t>> dropped(blocks);  // read positions without a polygon, ascending
    std::vector<std::vector<unsigned char>> rewritten(blocks);
    if (!todo.empty()) {
        const Progress prep_progress = progress.scaled(0.4, 1.0);  // outlives the counter
        ProgressCounter counter(prep_progress, todo.size(), "preparing parcels");
        tbb::parallel_for(std::size_t(0), blocks, [&](std::size_t blk) {
            Worker& w = workers.local();
            const std::size_t end = std::min(todo.size(), (blk + 1) * kBlock);
            std::size_t rewritten_bytes = 0;
            for (std::size_t t = blk * kBlock; t != end; ++t) {
                const std::size_t i = todo[t];
                Prepared p;
                try {
                    p = prepare_geometry(w, {set.wkb_begin[i], set.wkb_size[i]}, geodesic, !measured_at_read);
                } catch (const Error& e) {
                    throw InputError(e.message(), ErrorContext{src.path, set.layer, {}, std::to_string(set.fid[i])});
                }
                if (p.state == Prepared::State::non_polygonal) {
                    dropped[blk].push_back(i);
                    continue;
                }
                set.planar_area[i] = p.planar;
                set.basis_area[i] = field ? set.field_area[i] : p.basis;
                set.boxes[i] = p.box;
                if (p.wkb.empty())
                    if (auto& used = chunk_used[chunk_of(i)]; !used.load(std::memory_order_relaxed)) used.store(true, std::memory_order_relaxed);
                rewritten_bytes += p.wkb.size();
                if (p.repaired || !p.wkb.empty())
                    extras[blk].push_back({i, p.repaired, p.repair_change, std::move(p.repair_reason), std::move(p.wkb)});
            }
            // The block's rewritten geometries, back to back in one buffer (reserved first: the
            // pointers into it stay valid).
            rewritten[blk].reserve(rewritten_bytes);
            for (Extra& x : extras[blk]) {
                if (x.wkb.empty()) continue;
                set.wkb_begin[x.parcel] = rewritten[blk].data() + rewritten[blk].size();
                set.wkb_size[x.parcel] = x.wkb.size();
                rewritten[blk].insert(rewritten[blk].end(), x.wkb.begin(), x.wkb.end());
                std::vector<unsigned char>().swap(x.wkb);
            }
            counter.step(end - blk * kBlock);
        }, isolated);
    }
    const double prepare_s = stage.lap();

    // 4. The repair report in input order, then the parcels without a polygon squeezed out in
    //    input order (serial: they are rare; nothing moves when there are none).
    for (const auto& block : extras)
        for (const Extra& x : block) {
            if (!x.repaired) continue;
            ++set.report.repaired;
            set.report.repair_area_change_m2 += x.repair_change;
            if (set.report.repaired_examples.size() < MAX_EXAMPLES)
                set.report.repaired_examples.push_back(fmt::format("fid {}: {}", set.fid[x.parcel], x.repair_reason));
        }
    std::size_t gone = 0;
    for (const auto& block : dropped) gone += block.size();
    set.report.non_polygonal += gone;
    if (gone > 0) {
        std::size_t kept = 0, blk = 0, at = 0;  // the next dropped position: dropped[blk][at]
        for (std::size_t i = 0; i < n; ++i) {
            while (blk < blocks && at == dropped[blk].size()) ++blk, at = 0;
            if (blk < blocks && dropped[blk][at] == i) {
                ++at;
                continue;
            }
            if (kept != i) each_column([&](auto& column) { column[kept] = column[i]; });
            ++kept;
        }
        each_column([&](auto& column) { column.resize(kept); });
    }
    // The buffers the parcels point into move to the set (moving a vector keeps its buffer); chunks
    // no kept parcel points into (all rewritten, e.g. reprojected) are freed.
    for (std::size_t c = 0; c < chunks.size(); ++c)
        if (chunk_used[c].load(std::memory_order_relaxed)) set.wkb_storage.push_back(std::move(chunks[c].bytes));
    for (auto& buffer : rewritten)
        if (!buffer.empty()) set.wkb_storage.push_back(std::move(buffer));
    std::vector<RawChunk>().swap(chunks);
    set.report.used = set.fid.size();
    if (set.report.repaired)
        set.report.warnings.push_back(fmt::format("{} invalid parcel(s) were repaired (area change {:.3f} m²)", set.report.repaired,
                                                  set.report.repair_area_change_m2));
    if (set.report.non_polygonal)
        set.report.warnings.push_back(fmt::format("{} parcel(s) without a polygon were skipped", set.report.non_polygonal));
    if (set.report.null_area_field)
        set.report.warnings.push_back(fmt::format("{} parcel(s) have no {} value (counted as 0)", set.report.null_area_field, area.field));
    set.index = BoxIndex(set.boxes);
    log::debug(fmt::format("parcels: read {:.2f} s ({}), prepared {:.2f} s, packed and indexed {:.2f} s", read_s, set.reader, prepare_s,
                           stage.lap()));
    progress.report(1.0, "preparing parcels");
    return set;
}

OverlayZones make_zones(std::vector<std::string> ids, const std::vector<std::vector<unsigned char>>& wkb, const Crs& crs,
                   const Crs& target) {
    if (ids.size() != wkb.size()) throw InternalError("make_zones: ids and geometries differ in number");
    OverlayZones zones;
    zones.crs = target;
    Worker w{GeosContext(), Transform(crs.empty() ? target : crs, target), std::nullopt};
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < wkb.size(); ++i) {
        ++zones.report.read;
        Prepared p;
        try {
            p = prepare_geometry(w, wkb[i], false);
        } catch (const Error& e) {
            throw InputError(e.message(), ErrorContext{{}, {}, {}, "zone " + ids[i]});
        }
        if (p.state == Prepared::State::non_polygonal) {
            ++zones.report.non_polygonal;
            zones.report.warnings.push_back("zone " + ids[i] + " has no polygon and is left out");
            continue;
        }
        if (p.repaired) {
            ++zones.report.repaired;
            zones.report.repair_area_change_m2 += p.repair_change;
            zones.report.warnings.push_back("zone " + ids[i] + " was invalid (" + p.repair_reason + ") and was repaired");
        }
        if (++seen[ids[i]] == 2) zones.report.warnings.push_back("zone id " + ids[i] + " occurs more than once");
        zones.ids.push_back(ids[i]);
        zones.wkb.push_back(p.wkb.empty() ? wkb[i] : std::move(p.wkb));
    }
    zones.report.used = zones.ids.size();
    return zones;
}

OverlayZones load_zones(const ZoneSource& src, const Crs& target) {
    GdalEnvironment::ensure();
    ZoneLayerOptions options;
    options.layer = src.layer;
    options.id_field = src.id_field;
    options.where = src.where;
    if (!src.crs.empty()) options.crs_override = Crs::from_user_input(src.crs);
    options.crs_fallback = target;  // zones without a CRS: assume the parcels' working CRS (warned)
    options.encoding = src.encoding;
    options.target = target;
    const ZoneLayer layer = read_zone_layer(src.path, options);
    OverlayZones zones;
    zones.crs = layer.crs;
    zones.report.warnings = layer.warnings;
    for (const auto& z : layer.zones) {
        ++zones.report.read;
        if (z.wkb.empty()) {
            ++zones.report.null_geometry;
            continue;
        }
        if (z.repaired) ++zones.report.repaired;
        zones.ids.push_back(z.id);
        zones.wkb.push_back(z.wkb);
    }
    zones.report.used = zones.ids.size();
    return zones;
}

}  // namespace citycheck::spatial
