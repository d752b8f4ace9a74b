#pragma once
// Point tables as bureaus receive them: population "heat" exports, POI lists, gridded counts as
// CSV. UTF-8 (with or without BOM) or GBK, comma/tab/semicolon/pipe separated, coordinates in
// named columns. Unusable rows are collected with their line numbers so the user can fix them.
#include <cstddef>
#include <string>
#include <vector>

#include <citycheck/spatial/chinese_coords.hpp>

namespace citycheck::spatial {

struct CsvPointOptions {
    std::string x_column;      // empty: detect lon/lng/longitude/x/经度
    std::string y_column;      // empty: detect lat/latitude/y/纬度
    std::string value_column;  // empty: every point counts 1
    std::string encoding;      // empty: detect UTF-8 or GBK from the bytes
    bool skip_bad_rows = false;  // false: any unusable row throws InputError (exit 3)
    CoordSystem coords = CoordSystem::wgs84;  // converted to WGS84 on read
};

struct CsvPoint {
    double x = 0, y = 0;  // WGS84 lon/lat after conversion (or the file's own x/y when projected)
    double value = 1;
    long line = 0;  // 1-based line of the record in the file
};

struct CsvBadRow {
    long line = 0;
    std::string reason;  // "value 'abc' in column 'pop' is not a number"
};

struct CsvPoints {
    std::vector<CsvPoint> points;
    std::vector<CsvBadRow> bad_rows;  // filled only with skip_bad_rows
    std::string encoding;             // "UTF-8", "GBK", "ASCII"
    char delimiter = ',';
    std::string x_column, y_column, value_column;  // as resolved
    double value_total() const;
};

// Reads the file. Throws InputError naming the file (and the first bad lines, with reasons) when a
// row is unusable and skip_bad_rows is false, or when a named column does not exist (listing the
// columns that do). Coordinates are converted from options.coords to WGS84 when that is not wgs84.
CsvPoints read_csv_points(const std::string& path, const CsvPointOptions& options);

// Parses CSV text already in UTF-8 (exposed for tests); `source` names it in messages.
CsvPoints parse_csv_points(std::string text, const CsvPointOptions& options, const std::string& source);

// "3 rows skipped (lines 4, 9, 12: …)": a one-line summary for warnings.
std::string describe_bad_rows(const std::vector<CsvBadRow>& rows, std::size_t max_listed = 5);

}  // namespace citycheck::spatial
