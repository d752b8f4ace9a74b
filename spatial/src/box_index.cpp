// Sort-Tile-Recursive packing: sort by x centre into vertical slices, each slice by y centre, and
// group runs of node_size into parent nodes; repeat until one root remains.
#include <citycheck/core/error.hpp>
#include <citycheck/spatial/box_index.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

namespace citycheck::spatial {

namespace {
Box merge(const Box& a, const Box& b) {
    return {std::min(a.xmin, b.xmin), std::min(a.ymin, b.ymin), std::max(a.xmax, b.xmax), std::max(a.ymax, b.ymax)};
}

// The boxes in STR order, with their input indices (refs). Sorts (centre, index) pairs rather than indices
// compared through the boxes: the keys sit in the array being sorted, not in random cache lines.
// The order is total (ties by index), so it is the same for any sort algorithm and thread count.
void str_order(const std::vector<Box>& boxes, std::vector<Box>& ordered, std::vector<std::uint32_t>& refs, std::size_t node_size) {
    const std::size_t n = boxes.size();
    using Keyed = std::pair<double, std::uint32_t>;
    std::vector<Keyed> by_x(n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16384), [&](const auto& r) {
        for (std::size_t i = r.begin(); i < r.end(); ++i) by_x[i] = {boxes[i].xmin + boxes[i].xmax, static_cast<std::uint32_t>(i)};
    });
    tbb::parallel_sort(by_x.begin(), by_x.end());
    const std::size_t leaves = (n + node_size - 1) / node_size;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(leaves))));
    const std::size_t per_slice = slices * node_size;
    ordered.resize(n);
    refs.resize(n);
    tbb::parallel_for(std::size_t(0), (n + per_slice - 1) / per_slice, [&](std::size_t k) {
        const std::size_t s = k * per_slice, e = std::min(n, s + per_slice);
        std::vector<Keyed> by_y(e - s);
        for (std::size_t i = s; i < e; ++i) {
            const Box& bx = boxes[by_x[i].second];
            by_y[i - s] = {bx.ymin + bx.ymax, by_x[i].second};
        }
        std::sort(by_y.begin(), by_y.end());
        for (std::size_t i = s; i < e; ++i) {
            ordered[i] = boxes[by_y[i - s].second];
            refs[i] = by_y[i - s].second;
        }
    });
}
}  // namespace

BoxIndex::BoxIndex(const std::vector<Box>& boxes, std::size_t node_size) : m_items(boxes.size()), m_node_size(node_size) {
    if (boxes.size() >= std::numeric_limits<std::uint32_t>::max()) throw InputError("too many features for one index");
    if (node_size < 2) throw InternalError("BoxIndex node size must be at least 2");
    if (boxes.empty()) return;
    std::size_t total = boxes.size();  // all levels, so that appending the upper ones never reallocates
    for (std::size_t level = boxes.size(); level > 1; level = (level + node_size - 1) / node_size) total += (level + node_size - 1) / node_size;
    m_boxes.reserve(total);
    m_refs.reserve(total);
    str_order(boxes, m_boxes, m_refs, node_size);
    m_level_start.push_back(0);
    // Upper levels group consecutive runs of the level below (already in STR order).
    std::size_t lstart = 0, lcount = m_boxes.size();
    while (lcount > 1) {
        const std::size_t new_start = m_boxes.size();
        for (std::size_t i = 0; i < lcount; i += node_size) {
            Box b = m_boxes[lstart + i];
            for (std::size_t j = i + 1; j < std::min(lcount, i + node_size); ++j) b = merge(b, m_boxes[lstart + j]);
            m_boxes.push_back(b);
            m_refs.push_back(static_cast<std::uint32_t>(lstart + i));
        }
        m_level_start.push_back(new_start);
        lstart = new_start;
        lcount = m_boxes.size() - new_start;
    }
    m_level_start.push_back(m_boxes.size());
}

void BoxIndex::query(const Box& box, std::vector<std::uint32_t>& out) const {
    if (m_items == 0) return;
    const std::size_t first = out.size();
    const std::size_t levels = m_level_start.size() - 1;
    // Stack of (level, node index in m_boxes).
    std::vector<std::pair<std::size_t, std::size_t>> stack;
    stack.emplace_back(levels - 1, m_level_start[levels - 1]);
    while (!stack.empty()) {
        const auto [lvl, node] = stack.back();
        stack.pop_back();
        if (!m_boxes[node].intersects(box)) continue;
        if (lvl == 0) {
            out.push_back(m_refs[node]);
            continue;
        }
        const std::size_t child = m_refs[node];
        const std::size_t child_end = std::min(child + m_node_size, m_level_start[lvl]);
        for (std::size_t c = child; c < child_end; ++c) stack.emplace_back(lvl - 1, c);
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

}  // namespace citycheck::spatial
