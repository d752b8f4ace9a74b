#pragma once
// An immutable packed R-tree over boxes (Sort-Tile-Recursive packing, fixed node size), built once
// and then queried from any number of threads without locks. We use it instead of GEOS' STRtree for
// shared indexes: a GEOS tree belongs to one context (one thread), and querying it needs a GEOS
// geometry per probe. Items are numbered by their position in the input vector.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <citycheck/core/uninitialized_vector.hpp>

#include <citycheck/spatial/geos.hpp>

namespace citycheck::spatial {

class BoxIndex {
  public:
    BoxIndex() = default;
    explicit BoxIndex(std::span<const Box> boxes, std::size_t node_size = 16);

    // Appends to out the items whose boxes intersect box (closed boxes), in ascending item order.
    void query(const Box& box, std::vector<std::uint32_t>& out) const;
    std::size_t size() const noexcept { return m_items; }

    // The items in packing order, in groups of up to node_size neighbours (the leaves under one
    // node): a self-join queries once per group with the group's box instead of once per item.
    std::size_t group_count() const noexcept { return (m_items + m_node_size - 1) / m_node_size; }
    std::span<const std::uint32_t> group_items(std::size_t g) const {
        const std::size_t first = g * m_node_size;
        return {m_refs.data() + first, std::min(m_node_size, m_items - first)};
    }
    const Box& group_box(std::size_t g) const { return m_level_start.size() > 2 ? m_boxes[m_level_start[1] + g] : m_boxes[0]; }

  private:
    std::size_t m_items = 0;
    std::size_t m_node_size = 16;
    UninitializedVector<Box> m_boxes;           // all levels, leaves first; level l occupies [m_level_start[l], m_level_start[l+1])
    UninitializedVector<std::uint32_t> m_refs;  // leaf level: item id; upper levels: index of first child in m_boxes
    std::vector<std::size_t> m_level_start;
};

}  // namespace citycheck::spatial
