#pragma once
// The store's connection: one GDAL dataset on a GeoPackage file or a PostGIS database ("PG:..."),
// with the few operations the writer and reader need (SQL, typed query rows, transactions, inserts).
// Internal to the store; use store_reader.hpp / store_writer.hpp.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <citycheck/spatial/gdal.hpp>

namespace citycheck::engine::store {

constexpr int SCHEMA_VERSION = 1;

bool is_postgres_location(const std::string& location);  // "PG:..." / "postgresql://..."

// One result row of a query: cells by column name (absent or nullopt: NULL).
struct Row {
    std::map<std::string, std::optional<std::string>> text;
    std::map<std::string, std::optional<double>> number;  // numeric columns only
    std::vector<unsigned char> wkb;                       // the geometry, when the query returned one
    std::string str(const std::string& column) const;     // "" when NULL
    std::optional<double> num(const std::string& column) const;
    int integer(const std::string& column, int fallback = 0) const;
};

// SQL literal: 'text' with quotes doubled.
std::string sql_quote(const std::string& text);
std::string sql_number(double v);  // NULL for NaN, else %.17g

class StoreDb {
  public:
    // Opens the store; create: make the file / schema when missing (update access). Without create
    // a missing store or schema is an InputError naming the location.
    static StoreDb open(const std::string& location, bool update, bool create);

    const std::string& location() const noexcept { return m_location; }
    bool postgres() const noexcept { return m_postgres; }
    GDALDataset& dataset() { return *m_ds; }

    void execute(const std::string& sql);                 // statement without a result
    std::vector<Row> query(const std::string& sql);       // SELECT
    OGRLayer& layer(const std::string& name);             // a schema table, for inserts
    bool has_table(const std::string& name);              // false for a table added later, in an older store

    void begin();
    void commit();
    void rollback() noexcept;

  private:
    StoreDb() = default;
    void ensure_schema(bool create);
    std::string m_location;
    bool m_postgres = false;
    spatial::DatasetPtr m_ds;
};

// Rolls back unless committed.
class Transaction {
  public:
    explicit Transaction(StoreDb& db) : m_db(db) { m_db.begin(); }
    ~Transaction() {
        if (!m_done) m_db.rollback();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        m_db.commit();
        m_done = true;
    }

  private:
    StoreDb& m_db;
    bool m_done = false;
};

}  // namespace citycheck::engine::store
