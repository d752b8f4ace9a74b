// Table definitions of the store. Column names are lower-case ASCII so that GDAL's PostgreSQL
// driver keeps them as they are.
#include <citycheck/engine/store/store_schema.hpp>

namespace citycheck::engine::store {

const std::vector<TableDef>& schema_tables() {
    static const std::vector<TableDef> tables = {
        {"citycheck_meta", false, {{"key", OFTString}, {"value", OFTString}}},
        {"runs", false,
         {{"run_id", OFTString}, {"city", OFTString}, {"year", OFTInteger}, {"status", OFTString},
          {"superseded_by", OFTString}, {"config_sha256", OFTString}, {"config_path", OFTString},
          {"versions", OFTString}, {"started", OFTString}, {"finished", OFTString}, {"crs", OFTString},
          {"failed_indicators", OFTInteger}, {"source", OFTString}, {"scoring", OFTString}}},
        {"run_indicators", false,
         {{"run_id", OFTString}, {"indicator_id", OFTString}, {"name_zh", OFTString}, {"name_en", OFTString},
          {"unit", OFTString}, {"primitive", OFTString}, {"target", OFTString}, {"target_op", OFTString}, {"target_value", OFTReal},
          {"target_min", OFTReal}, {"target_max", OFTReal}, {"dimension_tdt1063", OFTString},
          {"dimension_mohurd", OFTString}, {"weight", OFTReal}, {"helper", OFTInteger}, {"state", OFTString},
          {"failure", OFTString}}},
        {"zones", true,
         {{"run_id", OFTString}, {"level", OFTString}, {"level_rank", OFTInteger}, {"zone_id", OFTString},
          {"zone_name", OFTString}, {"parent_id", OFTString}, {"area_m2", OFTReal}}},
        {"indicator_values", false,
         {{"run_id", OFTString}, {"indicator_id", OFTString}, {"level", OFTString}, {"zone_id", OFTString},
          {"numerator", OFTReal}, {"denominator", OFTReal}, {"value", OFTReal}, {"unit", OFTString},
          {"status", OFTString}, {"status_zh", OFTString}, {"score", OFTReal}, {"grade", OFTString},
          {"note", OFTString}, {"source", OFTString}}},
        {"dimension_scores", false,
         {{"run_id", OFTString}, {"level", OFTString}, {"zone_id", OFTString}, {"system", OFTString},
          {"dimension", OFTString}, {"score", OFTReal}, {"objective", OFTReal}, {"survey", OFTReal},
          {"grade", OFTString}, {"indicators", OFTInteger}}},
        {"run_warnings", false, {{"run_id", OFTString}, {"seq", OFTInteger}, {"message", OFTString}}},
        // Added later (a store written before them reads as if they were empty):
        // the scorer's problem list (短板) of each zone, largest gap first;
        {"zone_problems", false,
         {{"run_id", OFTString}, {"level", OFTString}, {"zone_id", OFTString}, {"rank", OFTInteger},
          {"indicator_id", OFTString}, {"name_zh", OFTString}, {"value", OFTReal}, {"target", OFTString},
          {"gap", OFTReal}, {"status", OFTString}},
         true},
        // whole documents of a run (name 'provenance': the run's provenance.json);
        {"run_documents", false, {{"run_id", OFTString}, {"name", OFTString}, {"content", OFTString}}, true},
        // service areas of coverage indicators: kind 'area' (covered demand of one finest zone,
        // MultiPolygon) or 'facilities' (MultiPoint, one row per indicator).
        {"service_areas", true,
         {{"run_id", OFTString}, {"indicator_id", OFTString}, {"kind", OFTString}, {"zone_id", OFTString},
          {"covered", OFTReal}},
         true, wkbUnknown},
    };
    return tables;
}

const std::vector<std::string>& schema_indexes() {
    static const std::vector<std::string> indexes = {
        "CREATE UNIQUE INDEX IF NOT EXISTS runs_run_id ON runs (run_id)",
        "CREATE UNIQUE INDEX IF NOT EXISTS runs_one_current ON runs (city, year) WHERE status = 'current'",
        "CREATE INDEX IF NOT EXISTS run_indicators_run ON run_indicators (run_id)",
        "CREATE INDEX IF NOT EXISTS zones_run ON zones (run_id, level)",
        "CREATE INDEX IF NOT EXISTS indicator_values_run ON indicator_values (run_id, level)",
        "CREATE INDEX IF NOT EXISTS indicator_values_zone ON indicator_values (indicator_id, level, zone_id)",
        "CREATE INDEX IF NOT EXISTS dimension_scores_run ON dimension_scores (run_id, level)",
        "CREATE INDEX IF NOT EXISTS run_warnings_run ON run_warnings (run_id)",
        "CREATE INDEX IF NOT EXISTS zone_problems_run ON zone_problems (run_id, level)",
        "CREATE INDEX IF NOT EXISTS run_documents_run ON run_documents (run_id, name)",
        "CREATE INDEX IF NOT EXISTS service_areas_run ON service_areas (run_id, indicator_id)",
    };
    return indexes;
}

}  // namespace citycheck::engine::store
