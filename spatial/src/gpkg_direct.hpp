#pragma once
// Reading a GeoPackage feature table straight through SQLite, without OGR feature objects (private
// to the parcel loader). Values come out as GDAL's GeoPackage driver would give them, so that the
// caller can produce exactly what the OGR path produces; anything this reader does not reproduce
// exactly is left to the caller to hand back to OGR.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace citycheck::spatial::detail {

// How a column is read: the OGR field type it has (OFTString, OFTInteger, OFTInteger64, OFTReal,
// all without subtype), so that the value matches what OGRFeature reports.
enum class GpkgColumn { text, int32, int64, real };

// A feature table and the columns to read, by their names in the file (OGR reports a GeoPackage
// layer's table, FID column and field names as they are in SQLite).
struct GpkgTable {
    std::string path;  // the .gpkg file on disk
    std::string table, fid_column, geometry_column;
    std::string code_column;
    GpkgColumn code_type = GpkgColumn::text;  // text, int32 or int64
    std::string area_column;                  // empty: not read
    GpkgColumn area_type = GpkgColumn::real;  // real, int32 or int64
};

// One row; the views are valid until the next call to GpkgRows::next.
struct GpkgRow {
    std::int64_t fid = 0;
    bool geometry_null = true;
    std::span<const unsigned char> geometry;  // the GeoPackage geometry blob
    bool code_null = true;
    std::string_view code;  // as OGRFeature::GetFieldAsString would give it
    bool area_null = true;
    double area = 0;  // as OGRFeature::GetFieldAsDouble would give it
};

// The rows of a table that pass an SQL filter, in the order SQLite returns them for
// `SELECT … FROM "table" m WHERE filter` (the statement GDAL's driver runs for the same filter).
// Owns a read-only connection; one instance per thread. Throws InputError (naming the file and
// table) when the file cannot be opened, the statement not prepared, or a step fails.
class GpkgRows {
  public:
    GpkgRows(const GpkgTable& table, const std::string& filter);
    ~GpkgRows();
    GpkgRows(GpkgRows&&) noexcept;
    GpkgRows& operator=(GpkgRows&&) noexcept;

    bool next(GpkgRow& row);
    // Restarts the statement with ?1 = first and ?2 = last, for a filter written with those
    // parameters (e.g. an FID range): one connection and statement serve many ranges.
    void restart(std::int64_t first, std::int64_t last);
    // How many SQL parameters the statement has (2 for an FID-range filter and nothing else).
    int parameter_count() const noexcept;

  private:
    struct CloseDb {
        void operator()(sqlite3* db) const noexcept;
    };
    struct Finalize {
        void operator()(sqlite3_stmt* stmt) const noexcept;
    };
    [[noreturn]] void fail(const std::string& what) const;

    GpkgTable m_table;
    std::unique_ptr<sqlite3, CloseDb> m_db;
    std::unique_ptr<sqlite3_stmt, Finalize> m_stmt;
    char m_digits[24] = {};  // an integer code printed as OGR prints it
};

// "name" with embedded quotes doubled: an SQL identifier.
std::string quote_identifier(std::string_view name);

// What the header of a GeoPackage geometry blob says, as GDAL reads it (magic "GP", version 0,
// envelope code 0–4, enough bytes for the envelope). nullopt: GDAL does not read it as a
// GeoPackage geometry either.
struct GpkgBlob {
    std::span<const unsigned char> wkb;  // everything after the header
    bool empty_flag = false;
    bool extended = false;
};
std::optional<GpkgBlob> parse_gpkg_blob(std::span<const unsigned char> blob);

// The length of the WKB at the start of wkb if it is a plain 2D Polygon or MultiPolygon, little-
// endian throughout, with at least one polygon, every polygon with a ring and every ring with a
// point: OGR would read it, find it non-empty and linear, and write exactly these bytes back. 0 for
// anything else (Z/M, curves, collections, big-endian, empty parts, truncated).
std::size_t plain_polygonal_wkb_size(std::span<const unsigned char> wkb);

}  // namespace citycheck::spatial::detail
