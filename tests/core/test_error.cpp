#include <gtest/gtest.h>

#include <citycheck/core/error.hpp>

using namespace citycheck;

TEST(ErrorTest, MessageCarriesContext) {
    InputError e("unknown land-use code '9999'", {.file = "dltb.shp", .layer = "DLTB", .field = "DLBM", .feature = "17"});
    EXPECT_EQ(e.code(), ErrorCode::input);
    EXPECT_STREQ(e.what(), "file 'dltb.shp', layer 'DLTB', field 'DLBM', feature 17: unknown land-use code '9999'");
    EXPECT_EQ(e.message(), "unknown land-use code '9999'");
}

TEST(ErrorTest, MessageWithoutContextIsBare) {
    UsageError e("bad flag");
    EXPECT_STREQ(e.what(), "bad flag");
}

TEST(ErrorTest, ExitCodesAreTheDocumentedOnes) {
    EXPECT_EQ(exit_code(ErrorCode::internal), 1);
    EXPECT_EQ(exit_code(ErrorCode::usage), 2);
    EXPECT_EQ(exit_code(ErrorCode::input), 3);
    EXPECT_EQ(exit_code(ErrorCode::output), 4);
    EXPECT_EQ(exit_code(ErrorCode::partial), 5);
    EXPECT_EQ(exit_code(ErrorCode::cancelled), 130);
    EXPECT_EQ(exit_code(Cancelled().code()), 130);
    EXPECT_EQ(exit_code(OutputError("x").code()), 4);
}
