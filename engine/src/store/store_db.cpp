// The store's connection over GDAL: GeoPackage (SQLite) or PostgreSQL/PostGIS. Both take the same
// portable SQL for reads, updates and indexes; inserts go through OGR layers so that geometries are
// encoded the way each format wants.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/store/store_db.hpp>
#include <citycheck/engine/store/store_schema.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace citycheck::engine::store {

bool is_postgres_location(const std::string& location) {
    return location.rfind("PG:", 0) == 0 || location.rfind("postgresql://", 0) == 0;
}

std::string Row::str(const std::string& column) const {
    auto it = text.find(column);
    return it != text.end() && it->second ? *it->second : std::string();
}

std::optional<double> Row::num(const std::string& column) const {
    auto it = number.find(column);
    if (it != number.end()) return it->second;
    auto t = text.find(column);  // numbers SQLite reported as text
    if (t != text.end() && t->second && !t->second->empty()) {
        char* end = nullptr;
        const double v = std::strtod(t->second->c_str(), &end);
        if (end && *end == '\0') return v;
    }
    return std::nullopt;
}

int Row::integer(const std::string& column, int fallback) const {
    auto v = num(column);
    return v ? static_cast<int>(std::llround(*v)) : fallback;
}

std::string sql_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string sql_number(double v) {
    if (!std::isfinite(v)) return "NULL";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

namespace {
// PostgreSQL needs the connection string with its prefix; postgresql:// URIs become "PG:<uri>".
std::string gdal_name(const std::string& location) {
    if (location.rfind("postgresql://", 0) == 0) return "PG:" + location;
    return location;
}
}  // namespace

StoreDb StoreDb::open(const std::string& location, bool update, bool create) {
    spatial::GdalEnvironment::ensure();
    StoreDb db;
    db.m_location = location;
    db.m_postgres = is_postgres_location(location);
    spatial::GdalErrorScope scope;
    const ErrorContext where{db.m_postgres ? std::string("PostgreSQL store") : location};
    if (!db.m_postgres && create && !std::filesystem::exists(location)) {
        db.m_ds.reset(spatial::driver("GPKG").Create(location.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!db.m_ds) throw OutputError("cannot create the store: " + scope.last_error(), where);
    } else {
        if (!db.m_postgres && !std::filesystem::exists(location))
            throw InputError("the store does not exist (a run with --store creates it)", where);
        const char* drivers[] = {db.m_postgres ? "PostgreSQL" : "GPKG", nullptr};
        // A writer killed mid-transaction leaves a hot SQLite journal that only a read-write
        // connection can roll back: let one do it before a read-only open.
        std::error_code ec;
        const auto journal = location + "-journal";
        if (!db.m_postgres && !(update || create) && std::filesystem::exists(journal, ec) &&
            std::filesystem::file_size(journal, ec) > 0) {
            spatial::DatasetPtr recover(GDALDataset::Open(location.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr));
            if (recover) {
                OGRLayer* r = recover->ExecuteSQL("SELECT count(*) AS n FROM sqlite_master", nullptr, nullptr);
                if (r) recover->ReleaseResultSet(r);
            }
        }
        const char* options[] = {"LIST_ALL_TABLES=NO", nullptr};
        const unsigned flags = GDAL_OF_VECTOR | (update || create ? GDAL_OF_UPDATE : 0u);
        db.m_ds.reset(GDALDataset::Open(gdal_name(location).c_str(), flags, drivers, db.m_postgres ? options : nullptr, nullptr));
        if (!db.m_ds) {
            const std::string msg = "cannot open the store: " + scope.last_error();
            if (update || create) throw OutputError(msg, where);
            throw InputError(msg, where);
        }
    }
    if (!db.m_postgres) {
        // Concurrent writers to one GeoPackage wait for each other instead of failing at once.
        OGRLayer* r = db.m_ds->ExecuteSQL("PRAGMA busy_timeout = 60000", nullptr, nullptr);
        if (r) db.m_ds->ReleaseResultSet(r);
    }
    db.ensure_schema(create);
    return db;
}

void StoreDb::ensure_schema(bool create) {
    const ErrorContext where{m_postgres ? std::string("PostgreSQL store") : m_location};
    auto missing = [&] {
        std::vector<const TableDef*> out;
        for (const auto& t : schema_tables())
            if (!m_ds->GetLayerByName(t.name.c_str())) out.push_back(&t);
        return out;
    };
    auto required_missing = [&] {
        for (const auto* t : missing())
            if (!t->added_later) return true;
        return false;
    };
    if (missing().empty() || (!create && !required_missing())) {
        const auto rows = query("SELECT value FROM citycheck_meta WHERE key = 'schema_version'");
        const int version = rows.empty() ? 0 : std::atoi(rows.front().str("value").c_str());
        if (version > SCHEMA_VERSION)
            throw InputError("the store has schema version " + std::to_string(version) + "; this citycheck reads up to " +
                                 std::to_string(SCHEMA_VERSION) + " (upgrade citycheck)",
                             where);
        return;
    }
    if (!create)
        throw InputError("not a citycheck store (tables missing); write one with `citycheck run --store`", where);
    spatial::GdalErrorScope scope;
    Transaction tx(*this);
    // Two processes creating the schema of one PostgreSQL store at once: the second waits here and
    // then finds the tables.
    if (m_postgres) query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(7201808)) AS l");
    for (const auto* t : missing()) {
        std::vector<const char*> opts = {"FID=fid"};
        if (t->geometry) opts.push_back("GEOMETRY_NAME=geom");
        if (m_postgres && !t->geometry) opts.push_back("SPATIAL_INDEX=NONE");
        opts.push_back(nullptr);
        OGRLayer* l = m_ds->CreateLayer(t->name.c_str(), nullptr, t->geometry ? t->geometry_type : wkbNone,
                                        const_cast<char**>(opts.data()));
        if (!l) throw OutputError("cannot create table '" + t->name + "': " + scope.last_error(), where);
        for (const auto& c : t->columns) {
            OGRFieldDefn f(c.name.c_str(), c.type);
            if (l->CreateField(&f) != OGRERR_NONE)
                throw OutputError("cannot create column '" + c.name + "': " + scope.last_error(), ErrorContext{where.file, t->name});
        }
    }
    for (const auto& sql : schema_indexes()) execute(sql);
    if (query("SELECT value FROM citycheck_meta WHERE key = 'schema_version'").empty())
        execute("INSERT INTO citycheck_meta (key, value) VALUES ('schema_version', '" + std::to_string(SCHEMA_VERSION) + "')");
    tx.commit();
}

void StoreDb::execute(const std::string& sql) {
    spatial::GdalErrorScope scope;
    CPLErrorReset();
    OGRLayer* r = m_ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (r) m_ds->ReleaseResultSet(r);
    if (!scope.last_error().empty())
        throw OutputError("store statement failed: " + scope.last_error() + "\n  " + sql.substr(0, 300),
                          ErrorContext{m_postgres ? std::string("PostgreSQL store") : m_location});
}

std::vector<Row> StoreDb::query(const std::string& sql) {
    spatial::GdalErrorScope scope;
    OGRLayer* r = m_ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    std::vector<Row> rows;
    if (r) {
        OGRFeatureDefn* defn = r->GetLayerDefn();
        for (auto& f : *r) {
            Row row;
            for (int i = 0; i < defn->GetFieldCount(); ++i) {
                const OGRFieldDefn* fd = defn->GetFieldDefn(i);
                const std::string name = fd->GetNameRef();
                const bool set = f->IsFieldSetAndNotNull(i);
                row.text[name] = set ? std::optional<std::string>(f->GetFieldAsString(i)) : std::nullopt;
                const auto t = fd->GetType();
                if (t == OFTReal || t == OFTInteger || t == OFTInteger64)
                    row.number[name] = set ? std::optional<double>(f->GetFieldAsDouble(i)) : std::nullopt;
            }
            if (const OGRGeometry* g = f->GetGeometryRef()) {
                row.wkb.resize(static_cast<std::size_t>(g->WkbSize()));
                g->exportToWkb(wkbNDR, row.wkb.data(), wkbVariantIso);
            }
            rows.push_back(std::move(row));
        }
        m_ds->ReleaseResultSet(r);
    }
    if (!scope.last_error().empty())
        throw InputError("store query failed: " + scope.last_error() + "\n  " + sql.substr(0, 300),
                         ErrorContext{m_postgres ? std::string("PostgreSQL store") : m_location});
    return rows;
}

bool StoreDb::has_table(const std::string& name) { return m_ds->GetLayerByName(name.c_str()) != nullptr; }

OGRLayer& StoreDb::layer(const std::string& name) {
    OGRLayer* l = m_ds->GetLayerByName(name.c_str());
    if (!l) throw InternalError("store table '" + name + "' is missing", ErrorContext{m_location});
    return *l;
}

void StoreDb::begin() {
    spatial::GdalErrorScope scope;
    if (m_ds->StartTransaction(FALSE) != OGRERR_NONE)
        throw OutputError("cannot start a store transaction: " + scope.last_error(), ErrorContext{m_location});
}

void StoreDb::commit() {
    spatial::GdalErrorScope scope;
    if (m_ds->CommitTransaction() != OGRERR_NONE)
        throw OutputError("cannot commit the store transaction (nothing was stored): " + scope.last_error(),
                          ErrorContext{m_location});
}

void StoreDb::rollback() noexcept {
    spatial::GdalErrorScope scope;
    m_ds->RollbackTransaction();
}

}  // namespace citycheck::engine::store
