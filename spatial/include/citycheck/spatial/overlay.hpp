#pragma once
// Zones × land parcels → area per land code per zone (the P1 primitive of INDICATORS.md §2), exact
// with GEOS. The overlay runs in three steps, each callable on its own:
//
//   ParcelSet parcels = load_parcels(source, basis, progress);     // read, reproject, repair, index
//   OverlayZones zones = load_zones(zone_source, parcels.crs);           // or fill a OverlayZones from WKB
//   OverlayResult r = overlay(zones, parcels, options, progress);   // area by raw code per zone
//   LandTable t = classify(r, LandScheme::load("sandiao"));         // classes, groups, unknown codes
//
// For the pipeline: numerator of an area share = t.group_area(zone, group) (or class_area), its
// denominator = r.zone_area[zone] (zone area) or r.coded_area(zone) (surveyed land in the zone);
// all on r.basis, stated by r.basis_text. Results do not depend on the thread count.
//
// Thread-safety: the loaded sets and results are immutable values; overlay() runs in parallel over
// zones (TBB, one GEOS context per worker) and may be called from any thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <citycheck/core/progress.hpp>
#include <citycheck/core/uninitialized_vector.hpp>
#include <citycheck/spatial/box_index.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/land_scheme.hpp>

namespace citycheck::spatial {

// How areas are measured.
//   planar      – GEOS area in the working projected CRS (metres; a CGCS2000 GK zone for geographic data)
//   ellipsoidal – geodesic area on the CGCS2000 ellipsoid (PROJ geod_polygonarea) of each piece,
//                 taken to lon/lat from the working CRS; zone areas likewise
//   field       – an area attribute (e.g. TBDLMJ) apportioned by the planar share of the parcel
//                 inside the zone; zone areas are ellipsoidal (三调 areas are ellipsoidal)
enum class AreaBasis { planar, ellipsoidal, field };

struct AreaSpec {
    AreaBasis basis = AreaBasis::planar;
    std::string field;  // for AreaBasis::field
    // "planar", "ellipsoidal" or "field:NAME"; throws UsageError otherwise.
    static AreaSpec parse(const std::string& text);
};

// What happened to the input features; nothing is dropped without being counted here.
struct InputReport {
    std::size_t read = 0;            // features returned by the layer (after --where / CZCSXM filters)
    std::size_t used = 0;            // features that carry a polygon into the overlay
    std::size_t null_geometry = 0;   // skipped: no geometry
    std::size_t empty_geometry = 0;  // skipped: empty geometry
    std::size_t non_polygonal = 0;   // skipped: points/lines (or nothing polygonal left after repair)
    std::size_t repaired = 0;        // invalid polygons made valid (GEOSMakeValid, polygonal part kept)
    double repair_area_change_m2 = 0;  // Σ |area after − area before| of repaired features (planar)
    std::size_t null_code = 0;       // features with an empty class code (reported as code "")
    std::size_t null_area_field = 0; // field basis: features with a null area value (counted as 0)
    std::vector<std::string> warnings;
    std::vector<std::string> repaired_examples;  // "fid 12: Self-intersection[…]" (first 20)
};

struct ParcelSource {
    std::string path;
    std::string layer;       // empty: the dataset's only layer, else one named DLTB, else an error listing them
    std::string code_field;  // DLBM (required)
    std::string area_field;  // read for AreaBasis::field
    std::string where;       // OGR SQL attribute filter
    std::vector<std::string> czcsxm;        // keep only these 城镇村属性码 values (e.g. 201, 202)
    std::string czcsxm_field = "CZCSXM";
    std::string crs;         // override the layer's CRS (EPSG:…, WKT, .prj path)
    std::string encoding;    // override the attribute encoding (Shapefile ENCODING open option)
    // Read a GeoPackage table through SQLite without OGR features when that gives the same result
    // (ParcelSet::reader says which reader ran). Also off when CITYCHECK_GPKG_DIRECT=0.
    bool gpkg_direct = true;
};

struct ZoneSource {
    std::string path;
    std::string layer;
    std::string id_field;  // empty: the feature id
    std::string where;
    std::string crs;
    std::string encoding;
};

// Parcels in the working CRS, as WKB (thread-neutral), with their boxes in a shared index.
struct ParcelSet {
    Crs crs;         // working CRS (projected, metres)
    Crs source_crs;  // as read (after overrides)
    std::string path, layer;
    std::string reader;  // "gpkg-direct" (SQLite, no OGR features) or "ogr"
    AreaSpec area;
    std::vector<std::string> codes;       // distinct codes, trimmed, in order of first appearance
    // Per-parcel columns are filled in parallel right after they are sized: not zeroed first.
    UninitializedVector<std::uint32_t> code_of;   // per parcel → index into codes
    UninitializedVector<std::int64_t> fid;        // per parcel
    UninitializedVector<double> planar_area;      // per parcel, m² in crs
    UninitializedVector<double> basis_area;       // per parcel on the chosen basis
    UninitializedVector<double> field_area;       // per parcel (AreaBasis::field)
    UninitializedVector<Box> boxes;
    // Geometries as WKB, never copied after the read: parcel i's bytes start at wkb_begin[i] inside
    // one of the buffers of wkb_storage (the read's chunk buffers, and per block the geometries that
    // preparation rewrote). Moving a ParcelSet keeps those buffers, hence the pointers; it is not copyable.
    std::vector<std::vector<unsigned char>> wkb_storage;
    UninitializedVector<const unsigned char*> wkb_begin;  // per parcel
    UninitializedVector<std::size_t> wkb_size;            // per parcel
    BoxIndex index;
    InputReport report;

    ParcelSet() = default;
    ParcelSet(ParcelSet&&) = default;
    ParcelSet& operator=(ParcelSet&&) = default;
    ParcelSet(const ParcelSet&) = delete;
    ParcelSet& operator=(const ParcelSet&) = delete;

    std::size_t size() const noexcept { return fid.size(); }
    // Frees the per-parcel columns, geometries and index once the overlay is done (the report and
    // the metadata stay): big buffers, whose release the caller can overlap with its output.
    void release_geometry() {
        ParcelSet kept;
        kept.crs = std::move(crs), kept.source_crs = std::move(source_crs), kept.path = std::move(path), kept.layer = std::move(layer);
        kept.reader = std::move(reader), kept.area = std::move(area), kept.codes = std::move(codes), kept.report = std::move(report);
        *this = std::move(kept);
    }
    std::span<const unsigned char> geometry(std::size_t i) const { return {wkb_begin[i], wkb_size[i]}; }
};

struct OverlayZones {
    Crs crs;
    std::vector<std::string> ids;
    std::vector<std::vector<unsigned char>> wkb;  // polygonal, valid
    InputReport report;
};

ParcelSet load_parcels(const ParcelSource& source, const AreaSpec& area, const Progress& progress = {});

// The working CRS load_parcels will choose (the layer's own when projected in metres, else the
// CGCS2000 GK zone of its centre), found without reading the parcels: zones can then be loaded
// at the same time.
Crs parcels_working_crs(const ParcelSource& source);

// Zones reprojected to target (the parcels' working CRS); invalid ones repaired and counted.
OverlayZones load_zones(const ZoneSource& source, const Crs& target);

// Zones already in memory (the pipeline's own layers): validates, repairs and reprojects.
OverlayZones make_zones(std::vector<std::string> ids, const std::vector<std::vector<unsigned char>>& wkb, const Crs& crs,
                   const Crs& target);

struct OverlapReport {
    bool checked = false;
    std::size_t pairs = 0;                // parcel pairs whose interiors overlap
    double doubly_counted_m2 = 0;         // Σ planar area of those pairwise overlaps
    std::vector<std::pair<std::int64_t, std::int64_t>> examples;  // fid pairs (first 20)
};

enum class OverlayAlgorithm {
    indexed,  // index → prepared containment (no clip) → prepared intersects → clip
    naive     // index → clip every candidate (the benchmark's baseline)
};

struct OverlayOptions {
    OverlayAlgorithm algorithm = OverlayAlgorithm::indexed;
    bool check_overlaps = true;
};

struct OverlayStats {
    std::size_t candidates = 0;  // parcel boxes meeting zone boxes
    std::size_t contained = 0;   // counted whole, without clipping
    std::size_t clipped = 0;     // intersections computed
    std::size_t clipped_by_geos = 0;  // … of which by GEOS (degenerate crossings, ellipsoidal pieces)
};

struct OverlayResult {
    AreaSpec area_spec;
    std::string basis_text;  // "planar EPSG:4547", "ellipsoidal CGCS2000 (GRS80)", "field TBDLMJ …"
    std::vector<std::string> zone_ids;
    std::vector<double> zone_area;         // per zone, on the basis (ellipsoidal for field)
    std::vector<std::string> codes;        // = ParcelSet::codes
    std::vector<double> area;              // zone-major: area[z * codes.size() + c]
    std::vector<std::size_t> code_parcels; // layer-wide parcel count per code
    std::vector<double> code_area;         // layer-wide area per code on the basis
    OverlapReport overlaps;
    OverlayStats stats;

    double code_area_in_zone(std::size_t zone, std::size_t code) const { return area[zone * codes.size() + code]; }
    double coded_area(std::size_t zone) const;  // Σ over codes (the surveyed land in the zone)
};

OverlayResult overlay(const OverlayZones& zones, const ParcelSet& parcels, const OverlayOptions& options = {},
                      const Progress& progress = {});

// Parcel pairs whose interiors overlap (planar), each pair once.
OverlapReport find_overlaps(const ParcelSet& parcels, const Progress& progress = {});

// Areas by class and group of a scheme. Unknown codes keep their areas, never vanish.
struct UnknownCode {
    std::string code;
    std::size_t parcels = 0;   // layer-wide
    double layer_area = 0;     // layer-wide, on the basis
    double zones_area = 0;     // inside the zones, on the basis
};

struct LandTable {
    const LandScheme* scheme = nullptr;  // must outlive the table
    std::size_t zones = 0;
    std::vector<double> class_area;    // zone-major, scheme->classes().size() per zone
    std::vector<double> group_area;    // zone-major, scheme->groups().size() per zone
    std::vector<double> unknown_area;  // per zone
    std::vector<UnknownCode> unknown;  // sorted by code

    double class_at(std::size_t zone, std::size_t cls) const { return class_area[zone * scheme->classes().size() + cls]; }
    double group_at(std::size_t zone, std::size_t grp) const { return group_area[zone * scheme->groups().size() + grp]; }
};

LandTable classify(const OverlayResult& result, const LandScheme& scheme);

// Geodesic area (m²) on the CGCS2000 ellipsoid of polygonal coordinates given in lon/lat degrees.
// Exposed for tests: rings as (lon, lat) arrays; the first ring is the shell, the rest holes.
double geodesic_ring_area(std::span<const double> lon, std::span<const double> lat);

}  // namespace citycheck::spatial
