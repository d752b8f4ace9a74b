// citycheck landuse PARCELS --code-field DLBM --zones Z --id FIELD [--scheme sandiao|ydyh|FILE]
//                   [--area planar|ellipsoidal|field:TBDLMJ] -o out.csv
#include "command_registry.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/core/run_both.hpp>
#include <citycheck/core/stopwatch.hpp>

#include <fmt/format.h>
#include <tbb/task_group.h>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/spatial/landuse_output.hpp>
#include <citycheck/spatial/overlay.hpp>
#include <citycheck/core/text.hpp>

namespace citycheck::cli {

namespace {


void add_landuse_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        spatial::ParcelSource parcels;
        spatial::ZoneSource zones;
        std::string scheme = "sandiao";
        std::string area = "planar";
        std::string output;
        std::string format = "wide";
        std::string czcsxm;
        std::string overlaps = "check";
        std::string algorithm = "indexed";
        std::string report;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("landuse", "Area and share of each land class and class group per zone, from 三调 (or 用地用海) polygons");
    cmd->add_option("PARCELS", o->parcels.path, "Land parcels: Shapefile, GeoPackage, FileGDB folder (.gdb) …")->required();
    cmd->add_option("--layer", o->parcels.layer, "Parcel layer (default: the only layer, else DLTB)");
    cmd->add_option("--code-field", o->parcels.code_field, "Field with the class code (三调: DLBM)")->required();
    cmd->add_option("--zones", o->zones.path, "Zone polygons")->required();
    cmd->add_option("--id", o->zones.id_field, "Zone id field (default: feature id)");
    cmd->add_option("--zones-layer", o->zones.layer, "Zone layer");
    cmd->add_option("--zones-where", o->zones.where, "Attribute filter on the zones (OGR SQL)");
    cmd->add_option("--scheme", o->scheme, "sandiao (三调工作分类), ydyh (用地用海 2023) or a scheme/mapping YAML file")->capture_default_str();
    cmd->add_option("--area", o->area, "planar, ellipsoidal or field:NAME (e.g. field:TBDLMJ)")->capture_default_str();
    cmd->add_option("-o,--output", o->output, "Output .csv, .gpkg or .geojson")->required();
    cmd->add_option("--format", o->format, "wide (one row per zone) or long (one row per zone and class)")->capture_default_str();
    cmd->add_option("--where", o->parcels.where, "Attribute filter on the parcels (OGR SQL), e.g. \"QSXZ = '20'\"");
    cmd->add_option("--czcsxm", o->czcsxm, "Keep parcels whose 城镇村属性码 is one of these, e.g. 201,202 (城镇)");
    cmd->add_option("--czcsxm-field", o->parcels.czcsxm_field, "Field of the 城镇村属性码")->capture_default_str();
    cmd->add_option("--crs", o->parcels.crs, "Override the parcels' CRS (EPSG:4547, WKT, .prj)");
    cmd->add_option("--zones-crs", o->zones.crs, "Override the zones' CRS");
    cmd->add_option("--encoding", o->parcels.encoding, "Override the parcels' attribute encoding (e.g. CP936)");
    cmd->add_option("--zones-encoding", o->zones.encoding, "Override the zones' attribute encoding");
    cmd->add_option("--overlaps", o->overlaps, "check (report overlapping parcels and the doubly counted area) or skip")->capture_default_str();
    cmd->add_option("--algorithm", o->algorithm, "indexed (default) or naive (clip every candidate; for benchmarks)")->capture_default_str();
    cmd->add_option("--report", o->report, "Also write the input report (repairs, overlaps, unknown codes) as JSON");
    cmd->callback([o, &ctx] {
        ctx.action = [o, &ctx] {
            o->parcels.czcsxm = split_list(o->czcsxm);
            const auto area = spatial::AreaSpec::parse(o->area);
            const auto layout = spatial::parse_table_layout(o->format);
            if (o->overlaps != "check" && o->overlaps != "skip") throw UsageError("--overlaps must be check or skip");
            if (o->algorithm != "indexed" && o->algorithm != "naive") throw UsageError("--algorithm must be indexed or naive");
            (void)spatial::driver_for_extension(o->output);  // fail on a bad extension before the work
            const auto scheme = spatial::LandScheme::load(o->scheme);
            const Progress progress = ctx.progress();
            Stopwatch clock;
            // Zones load while the parcels do (zone loading is serial and would otherwise wait); so
            // does finding the parcels' working CRS, which only the zones need up front.
            std::optional<spatial::ParcelSet> loaded_parcels;
            std::optional<spatial::OverlayZones> loaded_zones;
            double zones_s = 0;
            // A zone error (a wrong --id, say) stops the parcels' reading at its next percent rather
            // than after a million parcels; when both fail, the parcels' error comes first.
            run_both_until_error(
                [&](const std::atomic<bool>& stop) {
                    loaded_parcels = spatial::load_parcels(o->parcels, area, progress.scaled(0.0, 0.4).until(stop));
                },
                [&](const std::atomic<bool>&) {
                    Stopwatch zone_clock;
                    loaded_zones = spatial::load_zones(o->zones, spatial::parcels_working_crs(o->parcels));
                    zones_s = zone_clock.lap();
                });
            auto& parcels = *loaded_parcels;
            auto& zones = *loaded_zones;
            const double parcels_s = clock.lap();
            spatial::OverlayOptions opts;
            opts.check_overlaps = o->overlaps == "check";
            opts.algorithm = o->algorithm == "naive" ? spatial::OverlayAlgorithm::naive : spatial::OverlayAlgorithm::indexed;
            const auto result = spatial::overlay(zones, parcels, opts, progress.scaled(0.4, 1.0));
            const double overlay_s = clock.lap();
            // The parcels' buffers (hundreds of MB) are given back while the table is written, not
            // serially at the end; only their report is used below, after the wait.
            tbb::task_group release;
            release.run([&] { parcels.release_geometry(); });
            const auto table = spatial::classify(result, scheme);
            const double classify_s = clock.lap();
            spatial::write_landuse(o->output, layout, result, table, zones);
            release.wait();
            log::debug(fmt::format("landuse: parcels {:.2f} s (zones {:.2f} s at the same time), overlay {:.2f} s, classes {:.2f} s, output {:.2f} s",
                                   parcels_s, zones_s, overlay_s, classify_s, clock.lap()));
            for (const auto& w : parcels.report.warnings) log::warning(w);
            for (const auto& w : zones.report.warnings) log::warning(w);
            const auto report = spatial::landuse_report(parcels, zones, result, table);
            if (!table.unknown.empty())
                log::warning(std::to_string(table.unknown.size()) + " code(s) are not in scheme " + scheme.id() +
                             "; their areas are in unknown_m2 (see the report below)");
            if (result.overlaps.pairs) log::warning(std::to_string(result.overlaps.pairs) + " pair(s) of parcels overlap");
            log::info(spatial::landuse_report_text(report));
            if (!o->report.empty()) {
                std::ofstream f(o->report);
                if (!(f << report.dump(2) << '\n')) throw OutputError("cannot write the report", ErrorContext{o->report, {}, {}, {}});
            }
            return 0;
        };
    });
}

const CommandRegistration registration(40, "landuse", add_landuse_command);

}  // namespace

}  // namespace citycheck::cli
