// `citycheck report` and `citycheck run --report` end to end, and the report opened in a real
// browser (headless Chromium): it must render without script errors; a screenshot of the overview
// is written to report_overview.png in the test's working folder. Skipped without Chromium.
#include <gtest/gtest.h>

#include <fstream>

#include "../engine/synthetic_city.hpp"
#include "test_support.hpp"

namespace ct = citycheck::test;
namespace fs = std::filesystem;

namespace {
std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Writes and runs the synthetic city; returns the output folder.
fs::path run_city(const ct::TempDir& tmp, const std::string& extra_args = "") {
    ct::write_synthetic_city(tmp.path());
    std::ofstream(tmp / "healthcheck.yaml") << ct::synthetic_healthcheck();
    const auto r = ct::run_citycheck("-q run " + q(tmp / "healthcheck.yaml") + " " + extra_args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return tmp / "out";
}

const char* CHROMIUM = "/usr/bin/chromium";

std::string chromium_command(const fs::path& profile) {
    return std::string("timeout 60 ") + CHROMIUM +
           " --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync"
           " --no-first-run --hide-scrollbars --user-data-dir=" + q(profile) + " --enable-logging=stderr --v=0";
}
}  // namespace

TEST(CliReportTest, RunWithReportWritesHtmlAndWorkbookIntoTheOutputFolder) {
    ct::TempDir tmp("citycheck-cli-report");
    const auto out = run_city(tmp, "--report");
    EXPECT_TRUE(fs::exists(out / "report.html"));
    EXPECT_TRUE(fs::exists(out / "report.xlsx"));
    EXPECT_NE(ct::read_file(out / "report.html").find("测试市 2025年 城市体检报告"), std::string::npos);
}

TEST(CliReportTest, ReportFromFolderOrConfigInEnglishWithWorkbookAndMaps) {
    ct::TempDir tmp("citycheck-cli-report");
    const auto out = run_city(tmp);
    auto r = ct::run_citycheck("-q report " + q(out) + " -o " + q(tmp / "r.html") + " --lang en --xlsx " + q(tmp / "r.xlsx") +
                               " --png-dir " + q(tmp / "maps"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(ct::read_file(tmp / "r.html").find(">Overview<"), std::string::npos);
    EXPECT_TRUE(fs::exists(tmp / "r.xlsx"));
    EXPECT_TRUE(fs::exists(tmp / "maps" / "district_waterlogging_point_density.svg"));
    EXPECT_TRUE(fs::exists(tmp / "maps" / "subdistrict_shop_density.svg"));
    if (fs::exists(CHROMIUM)) {
        EXPECT_TRUE(fs::exists(tmp / "maps" / "subdistrict_shop_density.png")) << r.err;
    }
    // The healthcheck.yaml works as the source too (its outputs.dir).
    r = ct::run_citycheck("-q report " + q(tmp / "healthcheck.yaml") + " -o " + q(tmp / "r2.html"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(tmp / "r2.html"));
}

TEST(CliReportTest, ErrorsHaveTheDocumentedExitCodes) {
    ct::TempDir tmp("citycheck-cli-report");
    EXPECT_EQ(ct::run_citycheck("report -o " + q(tmp / "r.html")).exit_code, 2);  // no source
    EXPECT_EQ(ct::run_citycheck("report " + q(tmp / "missing") + " -o " + q(tmp / "r.html")).exit_code, 3);
    EXPECT_EQ(ct::run_citycheck("report " + q(tmp.path()) + " -o " + q(tmp / "r.html")).exit_code, 3);  // no summary.json
    EXPECT_EQ(ct::run_citycheck("report " + q(tmp.path()) + " --lang fr -o " + q(tmp / "r.html")).exit_code, 2);
    EXPECT_FALSE(fs::exists(tmp / "r.html"));
}

TEST(CliReportTest, OpensInHeadlessChromiumWithoutScriptErrors) {
    if (!fs::exists(CHROMIUM))
        GTEST_SKIP() << CHROMIUM << " is absent: the browser test is skipped (apt-get install chromium; scripts/install-deps.sh does)";
    ct::TempDir tmp("citycheck-cli-report-browser");
    const auto out = run_city(tmp, "--report");
    const auto html = out / "report.html";
    // 1. The DOM after the page's scripts ran: the report's script marks <body data-report-ready="1">
    //    when it finished; window.onerror would mark <html data-js-error=...>.
    const auto dom = ct::run_command(chromium_command(tmp / "profile1") + " --dump-dom " + q("file://" + html.string()));
    ASSERT_EQ(dom.exit_code, 0) << dom.err;
    EXPECT_NE(dom.out.find("data-report-ready=\"1\""), std::string::npos) << "the report's script did not finish";
    const auto error = dom.out.find("data-js-error=\"");  // the attribute, not the handler's source
    EXPECT_EQ(error, std::string::npos) << dom.out.substr(error == std::string::npos ? 0 : error, 300);
    EXPECT_EQ(dom.err.find("Uncaught"), std::string::npos) << dom.err;
    EXPECT_EQ(dom.err.find(":CONSOLE"), std::string::npos) << "console output from the page: " << dom.err;
    // The zone tables were rendered by the script (4 街道 rows with exact values).
    EXPECT_NE(dom.out.find("<table class=\"zt\">"), std::string::npos);
    // 2. A screenshot of the overview.
    const fs::path shot = fs::current_path() / "report_overview.png";
    fs::remove(shot);
    const auto ss = ct::run_command(chromium_command(tmp / "profile2") + " --window-size=1280,1100 --screenshot=" + q(shot) + " " +
                                    q("file://" + html.string()));
    ASSERT_EQ(ss.exit_code, 0) << ss.err;
    ASSERT_TRUE(fs::exists(shot));
    EXPECT_GT(fs::file_size(shot), 20000u) << "an overview with cards and two radar charts is not a blank page";
}

TEST(CliReportTest, StoreGivesTrendChartsAndTheChangeFromLastYear) {
    ct::TempDir tmp("citycheck-cli-report-store");
    ct::write_synthetic_city(tmp.path());
    auto text = ct::synthetic_healthcheck();
    const auto at = text.find("year: 2025");
    ASSERT_NE(at, std::string::npos);
    std::ofstream(tmp / "hc2024.yaml") << text.replace(at, 10, "year: 2024");
    std::ofstream(tmp / "hc2025.yaml") << ct::synthetic_healthcheck();
    const auto store = tmp / "store.gpkg";
    auto r = ct::run_citycheck("-q run " + q(tmp / "hc2024.yaml") + " --out " + q(tmp / "out2024") + " --store " + q(store));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = ct::run_citycheck("-q run " + q(tmp / "hc2025.yaml") + " --out " + q(tmp / "out2025") + " --store " + q(store) + " --report");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = ct::run_citycheck("-q report " + q(tmp / "out2025") + " --store " + q(store) + " --year 2025 -o " + q(tmp / "r.html"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& path : {tmp / "r.html", tmp / "out2025" / "report.html"}) {
        const auto html = ct::read_file(path);
        EXPECT_NE(html.find("class=\"trend\""), std::string::npos) << path;
        EXPECT_EQ(html.find("未提供历史数据库"), std::string::npos) << path;
        // Same data both years: every change is 0 against 2024.
        EXPECT_NE(html.find("0.000 (2024)</td>"), std::string::npos) << path;
    }
    EXPECT_EQ(ct::run_citycheck("-q report " + q(tmp / "out2025") + " --year 2024 -o " + q(tmp / "x.html")).exit_code, 2);
}
