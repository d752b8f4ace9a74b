#include <gtest/gtest.h>

#include <fstream>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>

#include "test_support.hpp"

using namespace citycheck;
namespace fs = std::filesystem;

TEST(AtomicOutputTest, FileAppearsOnlyOnCommit) {
    test::TempDir dir;
    const fs::path target = dir / "out.csv";
    {
        AtomicOutput out(target);
        EXPECT_EQ(out.temp_path().extension(), ".csv");
        std::ofstream(out.temp_path()) << "zone_id\n";
        EXPECT_FALSE(fs::exists(target));
        out.commit();
    }
    EXPECT_TRUE(fs::exists(target));
}

TEST(AtomicOutputTest, AbandonedOutputLeavesNothing) {
    test::TempDir dir;
    const fs::path target = dir / "out.csv";
    {
        AtomicOutput out(target);
        std::ofstream(out.temp_path()) << "partial";
    }
    EXPECT_FALSE(fs::exists(target));
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(AtomicOutputTest, MissingFolderIsAnOutputError) {
    try {
        AtomicOutput out("/nonexistent-dir-citycheck/out.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::output);
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir-citycheck"), std::string::npos);
    }
}
