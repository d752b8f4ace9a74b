#pragma once
// Small text helpers shared by every table writer and command line parser.
#include <string>
#include <string_view>
#include <vector>

namespace citycheck {

// A CSV field per RFC 4180: quoted (with doubled quotes) only when it holds a comma, quote or newline.
std::string csv_field(std::string_view text);

// Appends v in fixed notation with `decimals` digits, correctly rounded (as printf's "%.*f"), for
// large tables: no allocation beyond the output's growth.
void append_fixed(std::string& out, double v, int decimals);

// "a,b,,c" → {"a", "b", "c"}: the non-empty items of a comma-separated list.
std::vector<std::string> split_list(std::string_view text, char separator = ',');

}  // namespace citycheck
