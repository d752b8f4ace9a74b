#include <gtest/gtest.h>

#include "test_support.hpp"

using citycheck::test::run_citycheck;

TEST(CliTest, VersionListsLibraries) {
    auto r = run_citycheck("--version");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const char* name : {"citycheck", "GDAL", "GEOS", "PROJ", "TBB"})
        EXPECT_NE(r.out.find(name), std::string::npos) << name << " missing in: " << r.out;
}

TEST(CliTest, NoSubcommandIsUsageError) {
    auto r = run_citycheck("");
    EXPECT_EQ(r.exit_code, 2);
}

TEST(CliTest, UnknownFlagIsUsageError) {
    auto r = run_citycheck("info --frobnicate x");
    EXPECT_EQ(r.exit_code, 2);
}

TEST(CliTest, MissingFileIsInputErrorNamingThePath) {
    auto r = run_citycheck("info /no/such/city.gpkg");
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("/no/such/city.gpkg"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << "stdout carries results only: " << r.out;
}
