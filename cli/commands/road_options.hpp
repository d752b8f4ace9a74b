#pragma once
// Flags shared by the road-network commands (network-info, road-density, coverage).
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/spatial/road_graph.hpp>

namespace citycheck::cli {

struct RoadFlags {
    spatial::RoadReadOptions read;
    spatial::GraphBuildOptions build;
    std::string crs;

    void add(CLI::App* cmd, const std::string& default_mode) {
        read.mode = default_mode;
        cmd->add_option("--mode", read.mode, "Travel mode profile: walk, bike, drive or all")->capture_default_str();
        cmd->add_option("--layer", read.layer, "Road layer (default: 'lines' for OSM, else the first layer)");
        cmd->add_option("--class-field", read.class_field, "Road class field (default: highway)");
        cmd->add_option("--class-mapping", read.class_mapping, "File mapping class-field values to highway classes (value,class per line)");
        cmd->add_option("--road-where", read.where, "OGR SQL attribute filter on the roads");
        cmd->add_option("--node-tolerance", build.tolerance, "Vertices closer than this many metres become one node")->capture_default_str();
        cmd->add_flag("--split-crossings", build.split_crossings, "Also node proper crossings (data without shared vertices); never bridges, tunnels or other layers");
        cmd->add_option("--crs", crs, "Metric CRS for the analysis (default: from the data, see spatial::metric_crs_for)");
    }
    spatial::Crs target() const { return crs.empty() ? spatial::Crs() : spatial::Crs::from_user_input(crs); }
};

inline std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

inline std::string fmt_num(double v, int precision = 6) {
    std::ostringstream os;
    os.precision(precision);
    os << std::fixed << v;
    std::string s = os.str();
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
}

// Writes rows as UTF-8 CSV through a temporary file renamed on success.
inline void write_csv(const std::string& path, const std::vector<std::vector<std::string>>& rows) {
    if (path.size() < 4 || path.substr(path.size() - 4) != ".csv")
        throw UsageError("this command writes CSV tables; name the output *.csv", {.file = path});
    AtomicOutput out(path);
    {
        std::ofstream f(out.temp_path(), std::ios::binary);
        if (!f) throw OutputError("cannot write the table", {.file = path});
        for (const auto& row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) f << (i ? "," : "") << csv_field(row[i]);
            f << '\n';
        }
        if (!f) throw OutputError("cannot write the table", {.file = path});
    }
    out.commit();
}

}  // namespace citycheck::cli
