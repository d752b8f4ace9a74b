#pragma once
// The store's tables, the same in GeoPackage and PostGIS (docs/store.md describes every column).
#include <string>
#include <vector>

#include <ogr_core.h>

namespace citycheck::engine::store {

struct ColumnDef {
    std::string name;
    OGRFieldType type = OFTString;  // OFTString, OFTReal or OFTInteger
};

struct TableDef {
    std::string name;
    bool geometry = false;  // geometry column "geom" (zones, service areas)
    std::vector<ColumnDef> columns;
    // Added after the first release: a store without it is still read (as if the table were
    // empty); writers create it on their next write.
    bool added_later = false;
    OGRwkbGeometryType geometry_type = wkbMultiPolygon;
};

const std::vector<TableDef>& schema_tables();
// Indexes created after the tables (portable SQL for SQLite and PostgreSQL). One of them is the
// partial unique index that allows at most one current run per city and year.
const std::vector<std::string>& schema_indexes();

}  // namespace citycheck::engine::store
