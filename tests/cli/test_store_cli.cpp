// `citycheck run --store`, `compare` and `import-values` end to end, on a GeoPackage and (when
// CITYCHECK_TEST_PG is set) PostGIS: a writer killed with SIGKILL inside its transaction leaves the
// store as it was; two writers for different cities share one PostGIS store at the same time.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "../engine/synthetic_city.hpp"
#include "test_support.hpp"

#include <citycheck/engine/store/store_reader.hpp>
#include <citycheck/spatial/encoding.hpp>

namespace ct = citycheck::test;
namespace fs = std::filesystem;
using citycheck::engine::store::StoreReader;

namespace {
std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string unique(const std::string& base) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string n = std::string(info->name());
    for (auto& c : n)
        if (c == '/') c = '_';
    return base + "·" + n + "·" + std::to_string(::getpid());
}

// Writes the synthetic city and a healthcheck.yaml for city and year into dir.
fs::path healthcheck(const fs::path& dir, const std::string& city, int year, const std::string& name = "healthcheck.yaml") {
    if (!fs::exists(dir / "zones.gpkg")) ct::write_synthetic_city(dir);
    std::string text = ct::synthetic_healthcheck();
    text.replace(text.find("city: 测试市"), std::string("city: 测试市").size(), "city: \"" + city + "\"");
    text.replace(text.find("year: 2025"), std::string("year: 2025").size(), "year: " + std::to_string(year));
    text += "outputs: {dir: out_" + std::to_string(year) + "_" + std::to_string(std::hash<std::string>{}(city) % 100000) + "}\n";
    const auto path = dir / name;
    std::ofstream(path) << text;
    return path;
}

// fork/exec of the CLI with extra environment; stdout/stderr into log.
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env, const fs::path& log) {
    const std::string bin = ct::citycheck_binary();
    const pid_t pid = ::fork();
    if (pid == 0) {
        for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
        FILE* f = std::fopen(log.c_str(), "w");
        if (f) {
            ::dup2(fileno(f), 1);
            ::dup2(fileno(f), 2);
        }
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(bin.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(bin.c_str(), argv.data());
        ::_exit(127);
    }
    return pid;
}

// Waits for a file to appear (the writer is inside its transaction), or for the child to exit.
bool wait_for_file(const fs::path& p, pid_t child) {
    for (int i = 0; i < 1200; ++i) {  // generous: up to 2 minutes on a loaded machine
        if (fs::exists(p)) return true;
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

class StoreCli : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        const auto location = ct::store_location(GetParam(), m_tmp);
        if (!location) GTEST_SKIP() << ct::kNoPostgisMessage;
        m_store = *location;
    }
    ct::TempDir m_tmp;
    std::string m_store;
};
}  // namespace

TEST_P(StoreCli, RunKilledInsideTheStoreTransactionLeavesTheStoreAsItWas) {
    const auto city = unique("测试市");
    const auto hc = healthcheck(m_tmp.path(), city, 2025);
    auto r = ct::run_citycheck("-q run " + quote(hc.string()) + " --store " + quote(m_store));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string first_id;
    std::size_t values = 0, zones = 0;
    {
        const auto reader = StoreReader::open(m_store);
        const auto runs = reader.runs(city);
        ASSERT_EQ(runs.size(), 1u);
        first_id = runs[0].run_id;
        values = reader.values(first_id).size();
        zones = reader.zones(first_id).size();
    }
    const auto marker = m_tmp / "in-transaction";
    const pid_t pid = spawn({"-q", "run", hc.string(), "--store", m_store}, {{"CITYCHECK_TEST_STORE_PAUSE", marker.string()}},
                            m_tmp / "killed.log");
    ASSERT_TRUE(wait_for_file(marker, pid)) << ct::read_file(m_tmp / "killed.log");
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    EXPECT_EQ(wait_exit(pid), -SIGKILL);
    {
        const auto reader = StoreReader::open(m_store);
        const auto runs = reader.runs(city);
        ASSERT_EQ(runs.size(), 1u) << "the killed run must leave no trace";
        EXPECT_EQ(runs[0].run_id, first_id);
        EXPECT_TRUE(runs[0].current());
        EXPECT_EQ(reader.values(first_id).size(), values);
        EXPECT_EQ(reader.zones(first_id).size(), zones);
    }
    // The store still takes writes: the next run supersedes the first.
    r = ct::run_citycheck("-q run " + quote(hc.string()) + " --store " + quote(m_store));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto reader = StoreReader::open(m_store);
    const auto runs = reader.runs(city);
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(reader.run(first_id)->status, "superseded");
}

TEST_P(StoreCli, TwoCitiesWriteTheSameStoreAtTheSameTime) {
    if (GetParam() != "postgis") GTEST_SKIP() << "concurrent writers are a PostGIS feature (a GeoPackage has one writer at a time)";
    const auto a = unique("甲市"), b = unique("乙市");
    const auto hca = healthcheck(m_tmp.path(), a, 2025, "a.yaml");
    const auto hcb = healthcheck(m_tmp.path(), b, 2025, "b.yaml");
    // Make sure the schema exists so that both writers go straight to their data.
    auto r = ct::run_citycheck("-q run " + quote(hca.string()) + " --store " + quote(m_store));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto ma = m_tmp / "a.in", mb = m_tmp / "b.in";
    const pid_t pa = spawn({"-q", "run", hca.string(), "--store", m_store},
                           {{"CITYCHECK_TEST_STORE_PAUSE", ma.string()}, {"CITYCHECK_TEST_STORE_PAUSE_SECONDS", "3"}}, m_tmp / "a.log");
    const pid_t pb = spawn({"-q", "run", hcb.string(), "--store", m_store},
                           {{"CITYCHECK_TEST_STORE_PAUSE", mb.string()}, {"CITYCHECK_TEST_STORE_PAUSE_SECONDS", "3"}}, m_tmp / "b.log");
    // Both inside their transactions before either can have committed (each sleeps 3 s there).
    const bool both = wait_for_file(ma, pa) && wait_for_file(mb, pb);
    EXPECT_EQ(wait_exit(pa), 0) << ct::read_file(m_tmp / "a.log");
    EXPECT_EQ(wait_exit(pb), 0) << ct::read_file(m_tmp / "b.log");
    EXPECT_TRUE(both);
    const auto reader = StoreReader::open(m_store);
    EXPECT_EQ(reader.runs(a).size(), 2u);
    ASSERT_EQ(reader.runs(b).size(), 1u);
    EXPECT_TRUE(reader.current_run(a, 2025));
    EXPECT_TRUE(reader.current_run(b, 2025));
    EXPECT_EQ(reader.values(reader.current_run(b, 2025)->run_id).size(), 21u);
}

TEST_P(StoreCli, CompareThreeYearsWritesCsvAndJson) {
    const auto city = unique("测试市");
    for (int y : {2023, 2024, 2025}) {
        const auto hc = healthcheck(m_tmp.path(), city, y, "hc" + std::to_string(y) + ".yaml");
        const auto r = ct::run_citycheck("-q run " + quote(hc.string()) + " --store " + quote(m_store));
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    auto r = ct::run_citycheck("compare --store " + quote(m_store) + " --city " + quote(city) + " --years 2023 2024 2025 -o " +
                               quote((m_tmp / "cmp.csv").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("0 warning(s)"), std::string::npos) << r.out;
    EXPECT_TRUE(fs::exists(m_tmp / "cmp.csv"));
    EXPECT_TRUE(fs::exists(m_tmp / "cmp_warnings.csv"));
    const auto csv = ct::read_file(m_tmp / "cmp.csv");
    EXPECT_NE(csv.find("S11,南一街道,subdistrict,waterlogging_point_density,"), std::string::npos) << csv.substr(0, 600);
    EXPECT_NE(csv.find(",持平,comparable,"), std::string::npos);
    r = ct::run_citycheck("compare --store " + quote(m_store) + " --city " + quote(city) + " --years 2024 2025 -o " +
                          quote((m_tmp / "cmp.json").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(ct::read_file(m_tmp / "cmp.json").find("\"changes\""), std::string::npos);
    // A year without a run is a usage error naming it.
    r = ct::run_citycheck("compare --store " + quote(m_store) + " --city " + quote(city) + " --years 2020 2025");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("2020"), std::string::npos) << r.err;
}

TEST_P(StoreCli, ImportValuesListsEveryErrorAndImportsNothing) {
    const auto city = unique("测试市");
    const auto hc = healthcheck(m_tmp.path(), city, 2025);
    auto r = ct::run_citycheck("-q run " + quote(hc.string()) + " --store " + quote(m_store));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto bad = m_tmp / "bad.csv";
    std::ofstream(bad) << "indicator_id,zone_id,value,unit\n"
                          "water_use_per_capita,C,85.5,m³/人\n"
                          "no_such_indicator,C,1,\n"
                          "reclaimed_water_use,C,30,m³/人\n"
                          "water_use_per_capita,S99,80,\n"
                          "groundwater_level,C,abc,m\n";
    r = ct::run_citycheck("import-values " + quote(bad.string()) + " --store " + quote(m_store) + " --city " + quote(city) +
                          " --year 2025");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("4 errors"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("row 3: unknown indicator 'no_such_indicator'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("row 4: wrong unit 'm³/人' for reclaimed_water_use"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("row 5: zone code 'S99' not found"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("row 6: value 'abc' is not a number"), std::string::npos) << r.err;
    EXPECT_EQ(StoreReader::open(m_store).runs(city).size(), 1u) << "nothing imported";

    // A GBK file with Chinese headers imports: a new run supersedes the old one.
    const std::string utf8 = "指标编号,区划代码,数值,单位,层级\nwater_use_per_capita,C,85.5,m3/人,市\nreclaimed_water_use,D1,30,%,区\n";
    const auto gbk = citycheck::spatial::recode(utf8, "UTF-8", "CP936");
    std::ofstream(m_tmp / "good.csv", std::ios::binary) << gbk;
    r = ct::run_citycheck("import-values " + quote((m_tmp / "good.csv").string()) + " --store " + quote(m_store) + " --city " +
                          quote(city) + " --year 2025");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto reader = StoreReader::open(m_store);
    const auto runs = reader.runs(city);
    ASSERT_EQ(runs.size(), 2u);
    const auto cur = reader.current_run(city, 2025);
    ASSERT_TRUE(cur);
    EXPECT_EQ(cur->source, "import");
    const auto values = reader.values(cur->run_id);
    EXPECT_EQ(values.size(), 21u + 2u);
    bool found = false;
    for (const auto& v : values)
        if (v.indicator_id == "water_use_per_capita" && v.zone_id == "C") {
            found = true;
            EXPECT_DOUBLE_EQ(*v.value, 85.5);
            EXPECT_EQ(v.source, "import:good.csv");
            EXPECT_EQ(v.status, "no_target");
        }
    EXPECT_TRUE(found);
    EXPECT_EQ(reader.zones(cur->run_id).size(), 7u);
    const auto inds = reader.indicators(cur->run_id);
    EXPECT_EQ(inds.size(), 5u);
    EXPECT_EQ(inds.back().name_zh, "再生水利用率");
    // Dimension and overall scores are recomputed from the stored indicator scores; the imported
    // values have no target, so they must come out exactly as the scorer made them in the run.
    const auto before = reader.dimensions(runs[0].run_id == cur->run_id ? runs[1].run_id : runs[0].run_id);
    const auto after = reader.dimensions(cur->run_id);
    ASSERT_EQ(before.size(), after.size());
    ASSERT_FALSE(after.empty());
    for (std::size_t i = 0; i < after.size(); ++i) {
        EXPECT_EQ(before[i].zone_id + before[i].system + before[i].dimension, after[i].zone_id + after[i].system + after[i].dimension);
        EXPECT_EQ(before[i].score.has_value(), after[i].score.has_value()) << after[i].zone_id << " " << after[i].dimension;
        if (before[i].score && after[i].score) {
            EXPECT_NEAR(*before[i].score, *after[i].score, 1e-9);
        }
        EXPECT_EQ(before[i].grade, after[i].grade);
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreCli, ::testing::Values("gpkg", "postgis"), [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });
