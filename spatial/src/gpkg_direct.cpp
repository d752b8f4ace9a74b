// A GeoPackage feature table read through SQLite's C API (see gpkg_direct.hpp).
#include "gpkg_direct.hpp"

#include <citycheck/core/error.hpp>

#include <bit>
#include <charconv>
#include <cstring>

#include <sqlite3.h>

namespace citycheck::spatial::detail {

void GpkgRows::CloseDb::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
void GpkgRows::Finalize::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

std::string quote_identifier(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

GpkgRows::GpkgRows(const GpkgTable& table, const std::string& filter) : m_table(table) {
    sqlite3* db = nullptr;
    // Plain read-only, no immutable/nolock: another process may be writing the file meanwhile.
    // NOMUTEX: a connection is used by one thread at a time.
    const int rc = sqlite3_open_v2(table.path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    m_db.reset(db);  // a handle comes back even when the open fails
    if (rc != SQLITE_OK) fail("cannot open the GeoPackage");
    sqlite3_busy_timeout(db, 10000);  // wait for a writer's lock (ms) instead of failing at once
    std::string sql = "SELECT " + quote_identifier(table.fid_column) + ", " + quote_identifier(table.geometry_column) + ", " +
                      quote_identifier(table.code_column);
    if (!table.area_column.empty()) sql += ", " + quote_identifier(table.area_column);
    // The alias and the bare filter are what GDAL's driver uses, so a filter means the same here.
    sql += " FROM " + quote_identifier(table.table) + " m";
    if (!filter.empty()) sql += " WHERE " + filter;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()) + 1, &stmt, nullptr) != SQLITE_OK)
        fail("cannot prepare " + sql);
    m_stmt.reset(stmt);
}

GpkgRows::~GpkgRows() = default;
GpkgRows::GpkgRows(GpkgRows&&) noexcept = default;
GpkgRows& GpkgRows::operator=(GpkgRows&&) noexcept = default;

void GpkgRows::fail(const std::string& what) const {
    const char* reason = m_db ? sqlite3_errmsg(m_db.get()) : "out of memory";
    throw InputError(what + " (SQLite: " + reason + ")", ErrorContext{m_table.path, m_table.table, {}, {}});
}

int GpkgRows::parameter_count() const noexcept { return sqlite3_bind_parameter_count(m_stmt.get()); }

void GpkgRows::restart(std::int64_t first, std::int64_t last) {
    sqlite3_stmt* s = m_stmt.get();
    sqlite3_reset(s);  // its error code repeats the last step's, which next() has reported already
    if (sqlite3_bind_int64(s, 1, first) != SQLITE_OK || sqlite3_bind_int64(s, 2, last) != SQLITE_OK) fail("cannot bind the FID range");
}

bool GpkgRows::next(GpkgRow& row) {
    sqlite3_stmt* s = m_stmt.get();
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return false;
    if (rc != SQLITE_ROW) fail("reading the parcels failed");
    row.fid = sqlite3_column_int64(s, 0);
    // The same calls GDAL's driver makes for each column type, hence the same values.
    row.geometry_null = sqlite3_column_type(s, 1) == SQLITE_NULL;
    row.geometry = {};
    if (!row.geometry_null) {
        const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(s, 1));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s, 1));
        if (data) row.geometry = {data, size};
    }
    row.code_null = sqlite3_column_type(s, 2) == SQLITE_NULL;
    row.code = {};
    if (!row.code_null) {
        if (m_table.code_type == GpkgColumn::text) {
            // OGR keeps the text as a C string: it ends at the first NUL.
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
            if (text) row.code = text;
        } else {
            // OGR prints integers with %d / %lld: no padding, a minus sign.
            const auto printed = m_table.code_type == GpkgColumn::int32
                                     ? std::to_chars(m_digits, m_digits + sizeof m_digits, sqlite3_column_int(s, 2))
                                     : std::to_chars(m_digits, m_digits + sizeof m_digits, sqlite3_column_int64(s, 2));
            row.code = std::string_view(m_digits, static_cast<std::size_t>(printed.ptr - m_digits));
        }
    }
    if (!m_table.area_column.empty()) {
        row.area_null = sqlite3_column_type(s, 3) == SQLITE_NULL;
        row.area = 0;
        if (!row.area_null) {
            switch (m_table.area_type) {
                case GpkgColumn::int32: row.area = static_cast<double>(sqlite3_column_int(s, 3)); break;
                case GpkgColumn::int64: row.area = static_cast<double>(sqlite3_column_int64(s, 3)); break;
                default: row.area = sqlite3_column_double(s, 3); break;
            }
        }
    }
    return true;
}

std::optional<GpkgBlob> parse_gpkg_blob(std::span<const unsigned char> blob) {
    // GeoPackage 1.3 §2.1.3: "GP", version, flags (bit 0 byte order, bits 1–3 envelope code,
    // bit 4 empty, bit 5 extended), srs_id, envelope. GDAL ignores the empty and extended bits
    // and reads the WKB after the header in any case.
    if (blob.size() < 8 || blob[0] != 'G' || blob[1] != 'P' || blob[2] != 0) return std::nullopt;
    const unsigned flags = blob[3];
    const unsigned envelope = (flags >> 1) & 7u;
    constexpr std::size_t envelope_bytes[] = {0, 32, 48, 48, 64};  // none, XY, XYZ, XYM, XYZM
    if (envelope > 4) return std::nullopt;
    const std::size_t header = 8 + envelope_bytes[envelope];
    if (blob.size() < header) return std::nullopt;
    return GpkgBlob{blob.subspan(header), (flags & 0x10u) != 0, (flags & 0x20u) != 0};
}

std::size_t plain_polygonal_wkb_size(std::span<const unsigned char> wkb) {
    if constexpr (std::endian::native != std::endian::little) {
        return 0;  // the counts below are read in host order
    } else {
        std::size_t at = 0;
        const auto u32 = [&](std::uint32_t& v) {
            if (wkb.size() - at < 4) return false;
            std::memcpy(&v, wkb.data() + at, 4);
            at += 4;
            return true;
        };
        const auto header = [&](std::uint32_t type) {
            std::uint32_t t = 0;
            if (at >= wkb.size() || wkb[at] != 1) return false;  // 1: little-endian
            ++at;
            return u32(t) && t == type;
        };
        const auto polygon = [&] {
            std::uint32_t rings = 0;
            if (!header(3) || !u32(rings) || rings == 0) return false;
            for (std::uint32_t r = 0; r < rings; ++r) {
                std::uint32_t points = 0;
                if (!u32(points) || points == 0 || (wkb.size() - at) / 16 < points) return false;
                at += std::size_t{points} * 16;
            }
            return true;
        };
        std::uint32_t type = 0;
        if (wkb.size() < 5) return 0;
        std::memcpy(&type, wkb.data() + 1, 4);
        if (type == 3) return polygon() ? at : 0;
        std::uint32_t parts = 0;
        if (!header(6) || !u32(parts) || parts == 0) return 0;
        for (std::uint32_t k = 0; k < parts; ++k)
            if (!polygon()) return 0;
        return at;
    }
}

}  // namespace citycheck::spatial::detail
