#pragma once
// Windows aligned to a raster's native blocks under a cell budget (GDAL IterateWindows, exactextract
// subdivide). Two levels: fixed *units* (the native block, cut to at most DEFAULT_UNIT_CELLS for huge
// strips) that never depend on the budget, and *windows* (rectangles of whole units, at most
// max_cells each) that do. Per-unit partial results merged in unit order make results bit-identical
// for any window budget and thread count.
#include <cstddef>
#include <vector>

#include <citycheck/raster/grid.hpp>

namespace citycheck::raster {

constexpr long long DEFAULT_MAX_CELLS = 4LL * 1024 * 1024;  // cells per window (~32 MB of doubles per band)
constexpr long long DEFAULT_UNIT_CELLS = 256LL * 256;        // largest accumulation unit

struct BlockSize {
    int cols = 256, rows = 256;
};

class BlockPlan {
  public:
    // Plans the part of a cols × rows raster covered by area (clipped to the raster). min_windows
    // shrinks windows (never below one unit) so that parallel loops have enough work items.
    BlockPlan(int raster_cols, int raster_rows, BlockSize native, long long max_cells = DEFAULT_MAX_CELLS,
              Window area = {0, 0, -1, -1}, int min_windows = 1);

    const std::vector<Window>& windows() const noexcept { return m_windows; }
    const BlockSize& unit() const noexcept { return m_unit; }
    // Units (in row-major order of the unit lattice) that make up window w of this plan.
    std::vector<Window> units_in(const Window& w) const;
    // Row-major index of the unit that contains cell (col, row); stable across budgets.
    long long unit_index(int col, int row) const noexcept {
        return static_cast<long long>(row / m_unit.rows) * m_units_across + col / m_unit.cols;
    }

  private:
    int m_cols, m_rows;
    BlockSize m_unit;
    long long m_units_across;
    std::vector<Window> m_windows;
};

}  // namespace citycheck::raster
