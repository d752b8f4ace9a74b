#pragma once
// Zonal statistics with exact coverage. The coverage of each zone is computed once per
// accumulation unit and reused for every value source (band, raster, derived layer such as NDVI)
// and every statistic. Parallel over windows of a BlockPlan; per-(zone, unit) partial results are
// merged in unit order, so results are bit-identical for any thread count and window budget.
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <citycheck/core/progress.hpp>
#include <citycheck/raster/block_plan.hpp>
#include <citycheck/raster/coverage.hpp>
#include <citycheck/raster/raster.hpp>
#include <citycheck/raster/table_output.hpp>
#include <citycheck/raster/zones.hpp>

namespace citycheck::raster {

// Something that yields values + validity on a grid, window by window, from any thread.
class ValueSource {
  public:
    virtual ~ValueSource() = default;
    virtual const Grid& grid() const = 0;
    virtual BlockSize native_block() const = 0;
    virtual std::string name() const = 0;  // column prefix when several sources are used
    virtual void read(const Window& w, Block& out) const = 0;
};

// One band of a raster.
class BandSource : public ValueSource {
  public:
    BandSource(const Raster& raster, int band);  // throws InputError when band is out of range
    const Grid& grid() const override { return m_raster.grid(); }
    BlockSize native_block() const override { return m_raster.band(m_band).block; }
    std::string name() const override { return "b" + std::to_string(m_band); }
    void read(const Window& w, Block& out) const override { m_raster.read(m_band, w, out); }

  private:
    const Raster& m_raster;
    int m_band;
};

enum class StatKind {
    count, sum, mean, min, max, stdev, majority, frac,          // plain statistics
    frac_gt, frac_ge, frac_lt, frac_le, frac_in,               // share of valid coverage where a condition holds
    weighted_mean, weighted_sum,                              // weighted by a second raster
    valid_frac, area                                          // share of the zone with data; covered area m²
};

struct StatSpec {
    StatKind kind = StatKind::mean;
    double threshold = 0;        // frac_gt/ge/lt/le
    std::vector<double> classes; // frac_in
    std::string name;            // column name: "mean", "frac_gt_0.3", "frac_in_10_20_30"
    bool is_condition() const noexcept {
        return kind == StatKind::frac_gt || kind == StatKind::frac_ge || kind == StatKind::frac_lt ||
               kind == StatKind::frac_le || kind == StatKind::frac_in;
    }
    bool holds(double v) const noexcept;
};

// "mean,sum,count,frac_gt:0.3,frac_in:10,20,30" (numbers after frac_in: belong to it). UsageError.
std::vector<StatSpec> parse_stats(std::string_view text);

// Mergeable per-zone accumulator. w = coverage weight of a cell, A = its area in m².
struct ZoneAccumulator {
    double cover_all = 0;   // zone size in cells: Σw over its cells (fractional: its whole area, outside parts too)
    double weight = 0;      // Σw over valid cells ("count" in fractional mode)
    double area = 0;        // Σw·A over valid cells
    double sum = 0;         // Σw·v
    double mean = 0, m2 = 0;  // weighted running mean and Σw(v−mean)² (Chan et al. merge)
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double wsum = 0, wweight = 0;       // Σw·u·v and Σw·u for weight raster u
    std::vector<double> cond_weight;    // per condition stat: Σw where it holds
    std::vector<double> cond_area;      // … and Σw·A
    std::map<double, double> histogram; // value → Σw (majority, frac)

    void merge(const ZoneAccumulator& o);
};

// majority and frac keep one histogram entry per distinct value of a zone; they are meant for
// categorical rasters (land cover, 三调 classes: tens to hundreds of classes). The number of
// distinct values per zone (and over all zones, for frac's columns) is capped so that memory stays
// bounded on a continuous raster: past the cap the run fails with an InputError naming the zone.
constexpr std::size_t DEFAULT_MAX_CLASSES = 1024;

struct ZonalOptions {
    CoverageMode mode = CoverageMode::fractional;
    long long max_cells = DEFAULT_MAX_CELLS;  // window budget (cells per window per source)
    std::size_t max_classes = DEFAULT_MAX_CLASSES;  // distinct values per zone for majority/frac
};

struct ZonalInput {
    std::vector<const ValueSource*> sources;  // all on one grid (checked)
    const ValueSource* weights = nullptr;     // optional; same grid (checked)
    std::vector<StatSpec> stats;
};

// Accumulators for zones × sources: result[zone][source].
using ZonalResult = std::vector<std::vector<ZoneAccumulator>>;

// Computes the accumulators. Zones must already be in the sources' CRS. Throws InputError when
// grids differ (naming both) and Cancelled when progress asks to stop.
ZonalResult compute_zonal(const ZonalInput& input, const ZoneSet& zones, const ZonalOptions& options = {},
                          const Progress& progress = {});

// A table of results: one row per zone, columns named for the statistics (NaN = no value).
using ZonalTable = ZoneTable;

// Turns accumulators into columns; with several sources, columns are prefixed "<source>_".
// frac makes one column per class seen in any zone: more than max_classes is an InputError.
ZonalTable make_table(const ZonalInput& input, const ZoneSet& zones, const ZonalResult& result,
                      std::size_t max_classes = DEFAULT_MAX_CLASSES);

// Logs a warning for every zone that does not overlap valid data (valid_frac 0).
void warn_empty_zones(const ZoneSet& zones, const ZonalResult& result);

}  // namespace citycheck::raster
