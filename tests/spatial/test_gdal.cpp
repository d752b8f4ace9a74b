#include <gtest/gtest.h>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/spatial/crs.hpp>

#include <cpl_conv.h>
#include <gdal.h>

#include "test_support.hpp"

using namespace citycheck;
using namespace citycheck::spatial;

TEST(GdalTest, MissingFileNamesThePath) {
    try {
        (void)open_dataset("/no/such/file.tif", DatasetKind::raster);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::input);
        EXPECT_NE(std::string(e.what()).find("/no/such/file.tif"), std::string::npos);
    }
}

TEST(GdalTest, UnreadableFormatIsInputError) {
    test::TempDir dir;
    const auto path = dir / "garbage.tif";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("this is not a tiff", f);
    std::fclose(f);
    try {
        (void)open_dataset(path.string(), DatasetKind::raster);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::input);
        EXPECT_NE(std::string(e.what()).find("garbage.tif"), std::string::npos);
    }
}

TEST(GdalTest, ErrorScopeCapturesInsteadOfPrinting) {
    GdalErrorScope scope;
    CPLError(CE_Failure, CPLE_AppDefined, "boom %d", 42);
    EXPECT_EQ(scope.last_error(), "boom 42");
    CPLError(CE_Warning, CPLE_AppDefined, "careful");
    ASSERT_EQ(scope.warnings().size(), 1u);
}

TEST(GdalTest, DriverForExtension) {
    EXPECT_EQ(driver_for_extension("a/b.CSV"), "CSV");
    EXPECT_EQ(driver_for_extension("x.gpkg"), "GPKG");
    EXPECT_EQ(driver_for_extension("x.geojson"), "GeoJSON");
    EXPECT_THROW(driver_for_extension("x.docx"), UsageError);
}

TEST(GdalTest, WithGdalReasonCarriesTheLibrarysMessageOnceAndOnlyAfterAFailure) {
    GdalErrorScope scope;
    CPLErrorReset();
    EXPECT_EQ(with_gdal_reason("cannot write"), "cannot write");
    CPLError(CE_Failure, CPLE_AppDefined, "disk full");
    EXPECT_EQ(with_gdal_reason("cannot write"), "cannot write (GDAL: disk full)");
    EXPECT_EQ(with_gdal_reason("cannot write"), "cannot write");  // consumed
}

TEST(GdalTest, AnUnknownEpsgCodeIsAUsageErrorWithProjsReason) {
    try {
        (void)Crs::from_epsg(999999);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::usage);
        EXPECT_NE(std::string(e.what()).find("999999"), std::string::npos);
    }
}

// The block cache is bounded by a fixed default, not 5 % of the machine's RAM, unless the user
// chose one: streaming reads must keep the same footprint on a 24 GB and a 256 GB machine.
TEST(GdalTest, BlockCacheHasAFixedDefaultUnlessTheUserSetsOne) {
    GdalEnvironment::ensure();
    if (CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GTEST_SKIP() << "GDAL_CACHEMAX is set in this environment";
    EXPECT_EQ(GDALGetCacheMax64(), DEFAULT_GDAL_CACHE_BYTES);
}
