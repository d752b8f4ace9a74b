#include <citycheck/core/error.hpp>
#include <citycheck/raster/block_plan.hpp>

#include <algorithm>

namespace citycheck::raster {

namespace {
BlockSize unit_for(BlockSize native, int cols) {
    BlockSize u{std::max(1, std::min(native.cols, cols)), std::max(1, native.rows)};
    // Huge native blocks (untiled strips, whole-image blocks): cut into pieces that still hold
    // whole block rows where possible, so reads stay near block-aligned.
    while (static_cast<long long>(u.cols) * u.rows > DEFAULT_UNIT_CELLS && u.cols > 256) u.cols = (u.cols + 1) / 2;
    while (static_cast<long long>(u.cols) * u.rows > DEFAULT_UNIT_CELLS && u.rows > 1) u.rows = (u.rows + 1) / 2;
    return u;
}
}  // namespace

BlockPlan::BlockPlan(int raster_cols, int raster_rows, BlockSize native, long long max_cells, Window area, int min_windows)
    : m_cols(raster_cols), m_rows(raster_rows), m_unit(unit_for(native, raster_cols)) {
    if (raster_cols <= 0 || raster_rows <= 0) throw InternalError("block plan over an empty raster");
    m_units_across = (m_cols + m_unit.cols - 1) / m_unit.cols;
    if (area.cols < 0) area = {0, 0, m_cols, m_rows};
    const int c0 = std::clamp(area.col_off, 0, m_cols), r0 = std::clamp(area.row_off, 0, m_rows);
    const int c1 = std::clamp(area.col_off + area.cols, 0, m_cols), r1 = std::clamp(area.row_off + area.rows, 0, m_rows);
    if (c1 <= c0 || r1 <= r0) return;
    // Snap the area outwards to unit boundaries.
    const int uc0 = c0 / m_unit.cols, uc1 = (c1 + m_unit.cols - 1) / m_unit.cols;
    const int ur0 = r0 / m_unit.rows, ur1 = (r1 + m_unit.rows - 1) / m_unit.rows;
    const long long unit_cells = static_cast<long long>(m_unit.cols) * m_unit.rows;
    const long long total_units = static_cast<long long>(uc1 - uc0) * (ur1 - ur0);
    const long long budget_units =
        std::max(1LL, std::min(max_cells / unit_cells, total_units / std::max(1, min_windows)));
    // Prefer wide windows (whole rows of units), then stack rows of units.
    const int across = static_cast<int>(std::min<long long>(uc1 - uc0, budget_units));
    const int down = static_cast<int>(std::max(1LL, std::min<long long>(ur1 - ur0, budget_units / across)));
    for (int ur = ur0; ur < ur1; ur += down)
        for (int uc = uc0; uc < uc1; uc += across) {
            const int wc0 = uc * m_unit.cols, wr0 = ur * m_unit.rows;
            const int wc1 = std::min(m_cols, (uc + across) * m_unit.cols);
            const int wr1 = std::min(m_rows, (ur + down) * m_unit.rows);
            m_windows.push_back({wc0, wr0, wc1 - wc0, wr1 - wr0});
        }
}

std::vector<Window> BlockPlan::units_in(const Window& w) const {
    std::vector<Window> out;
    for (int r = w.row_off; r < w.row_off + w.rows; r += m_unit.rows)
        for (int c = w.col_off; c < w.col_off + w.cols; c += m_unit.cols)
            out.push_back({c, r, std::min(m_unit.cols, w.col_off + w.cols - c), std::min(m_unit.rows, w.row_off + w.rows - r)});
    return out;
}

}  // namespace citycheck::raster
