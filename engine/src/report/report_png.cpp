// SVG files per map, and PNGs cut from headless-Chromium screenshots of stacked maps.
#include <citycheck/engine/report/report_png.hpp>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/engine/report/report_maps.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <gdal_utils.h>

#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace citycheck::engine::report {

namespace fs = std::filesystem;

namespace {

constexpr double DEVICE_SCALE = 2;        // crisp maps for print
constexpr double MAX_BATCH_HEIGHT = 4000;  // CSS px of stacked maps per screenshot

void write_text(const fs::path& path, const std::string& text) {
    AtomicOutput out(path);
    {
        std::ofstream f(out.temp_path(), std::ios::binary);
        f << text;
        f.close();
        if (!f) throw OutputError("write failed", ErrorContext{out.temp_path().string()});
    }
    out.commit();
}

// Runs argv with stdout/stderr into log; returns the exit status (or -1 if it could not start).
int run_process(const std::vector<std::string>& args, const fs::path& log) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct MapFile {
    fs::path png;
    std::string svg;
    double width = 0, height = 0;
};

std::pair<double, double> svg_size(const std::string& svg) {
    auto attr = [&](const char* name) {
        const auto p = svg.find(name);
        return p == std::string::npos ? 0.0 : std::atof(svg.c_str() + p + std::char_traits<char>::length(name));
    };
    return {attr(" width=\""), attr(" height=\"")};
}

// One screenshot of the batch stacked vertically, cut into one PNG per map.
void render_batch(const fs::path& chromium, const std::vector<MapFile>& batch, const fs::path& work, MapExport& result) {
    double page_w = 0, page_h = 0;
    std::string html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{margin:0;background:#fff}div{position:absolute;left:0}</style></head><body>";
    std::vector<double> tops;
    for (const auto& m : batch) {
        tops.push_back(page_h);
        html += "<div style=\"top:" + std::to_string(static_cast<int>(page_h)) + "px\">" + m.svg + "</div>";
        page_w = std::max(page_w, m.width);
        page_h += std::ceil(m.height);
    }
    html += "</body></html>";
    const fs::path page = work / "maps.html", shot = work / "maps.png", log = work / "chromium.log";
    write_text(page, html);
    fs::remove(shot);
    const std::vector<std::string> args = {chromium.string(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                           "--no-first-run", "--user-data-dir=" + (work / "profile").string(),
                                           "--force-device-scale-factor=" + std::to_string(static_cast<int>(DEVICE_SCALE)),
                                           "--window-size=" + std::to_string(static_cast<int>(std::ceil(page_w))) + "," +
                                               std::to_string(static_cast<int>(std::ceil(page_h))),
                                           "--screenshot=" + shot.string(), "file://" + page.string()};
    const int rc = run_process(args, log);
    if (rc != 0 || !fs::exists(shot)) {
        result.warnings.push_back("Chromium could not render the maps (exit " + std::to_string(rc) + "; see " + log.string() +
                                  "): no PNG for " + std::to_string(batch.size()) + " map(s)");
        return;
    }
    auto src = spatial::open_dataset(shot.string(), spatial::DatasetKind::raster);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const int x = 0, y = static_cast<int>(std::lround(tops[i] * DEVICE_SCALE));
        const int w = std::min(src->GetRasterXSize(), static_cast<int>(std::lround(batch[i].width * DEVICE_SCALE)));
        const int h = std::min(src->GetRasterYSize() - y, static_cast<int>(std::lround(batch[i].height * DEVICE_SCALE)));
        if (w <= 0 || h <= 0) continue;
        const std::vector<std::string> opts = {"-of", "PNG", "-srcwin", std::to_string(x), std::to_string(y), std::to_string(w), std::to_string(h)};
        std::vector<char*> argv;
        for (const auto& o : opts) argv.push_back(const_cast<char*>(o.c_str()));
        argv.push_back(nullptr);
        GDALTranslateOptions* to = GDALTranslateOptionsNew(argv.data(), nullptr);
        AtomicOutput out(batch[i].png);
        spatial::GdalErrorScope scope;
        int usage_error = 0;
        GDALDatasetH dst = GDALTranslate(out.temp_path().c_str(), src.get(), to, &usage_error);
        GDALTranslateOptionsFree(to);
        if (!dst) throw OutputError("cannot write the PNG: " + scope.last_error(), ErrorContext{batch[i].png.string()});
        GDALClose(dst);
        fs::remove(out.temp_path().string() + ".aux.xml");
        out.commit();
        result.png_files.push_back(batch[i].png);
    }
}

}  // namespace

std::optional<fs::path> find_chromium() {
    if (const char* env = std::getenv("CITYCHECK_CHROMIUM"); env && *env) {
        if (fs::exists(env)) return fs::path(env);
        return std::nullopt;
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
        std::size_t start = 0;
        while (start <= dirs.size()) {
            const auto end = dirs.find(':', start);
            const fs::path candidate = fs::path(dirs.substr(start, end == std::string::npos ? std::string::npos : end - start)) / name;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    return std::nullopt;
}

MapExport export_maps(const ReportData& data, const ReportOptions& options, const fs::path& dir, bool png, const Progress& progress) {
    MapExport result;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw OutputError("cannot create the map folder: " + ec.message(), ErrorContext{dir.string()});
    std::vector<MapFile> maps;
    for (std::size_t k = 0; k < data.levels.size(); ++k) {
        if (!level_has_map(data, k)) continue;
        const auto zones = project_level(data, k);
        for (std::size_t i = 0; i < data.indicators.size(); ++i) {
            if (data.indicators[i].helper || data.indicators[i].failed) continue;
            const std::string stem = data.levels[k].level_en + "_" + data.indicators[i].id;
            MapFile m;
            m.svg = indicator_map_svg(data, k, i, zones, options);
            std::tie(m.width, m.height) = svg_size(m.svg);
            write_text(dir / (stem + ".svg"), m.svg);
            result.svg_files.push_back(dir / (stem + ".svg"));
            m.png = dir / (stem + ".png");
            maps.push_back(std::move(m));
        }
    }
    // The service-area map of every coverage indicator that has service areas (as in the HTML report).
    if (const auto level = service_area_level(data)) {
        const auto zones = project_level(data, *level);
        for (const auto& info : data.indicators) {
            const auto* areas = info.failed ? nullptr : find_service_areas(data, info.id);
            if (!areas) continue;
            const std::string stem = "service_areas_" + info.id;
            MapFile m;
            m.svg = service_area_map_svg(data, *level, *areas, zones, options);
            std::tie(m.width, m.height) = svg_size(m.svg);
            write_text(dir / (stem + ".svg"), m.svg);
            result.svg_files.push_back(dir / (stem + ".svg"));
            m.png = dir / (stem + ".png");
            maps.push_back(std::move(m));
        }
    }
    if (!png || maps.empty()) return result;
    const auto chromium = find_chromium();
    if (!chromium) {
        result.warnings.push_back("Chromium is not installed (apt-get install chromium, or set CITYCHECK_CHROMIUM): maps written as SVG only, no PNG");
        return result;
    }
    const fs::path work = dir / (".png-work-" + std::to_string(::getpid()));
    fs::create_directories(work, ec);
    try {
        std::vector<MapFile> batch;
        double height = 0;
        std::size_t done = 0;
        for (auto& m : maps) {
            if (!batch.empty() && height + m.height > MAX_BATCH_HEIGHT) {
                render_batch(*chromium, batch, work, result);
                done += batch.size();
                progress.report(static_cast<double>(done) / static_cast<double>(maps.size()), "maps");
                batch.clear();
                height = 0;
            }
            height += std::ceil(m.height);
            batch.push_back(m);
        }
        if (!batch.empty()) render_batch(*chromium, batch, work, result);
        progress.report(1.0, "maps");
    } catch (...) {
        fs::remove_all(work, ec);
        throw;
    }
    fs::remove_all(work, ec);
    return result;
}

}  // namespace citycheck::engine::report
