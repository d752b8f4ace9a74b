#pragma once
// A small arithmetic language for `expression` indicators: numbers, indicator ids, + - * /
// (also − × ÷), unary minus and parentheses. Division by zero yields NaN (reported as missing data).
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace citycheck::engine {

class Expression {
  public:
    // Throws UsageError "expected ')' at column 7 in 'a * (b + c'".
    static Expression parse(const std::string& text);

    using Lookup = std::function<double(const std::string& id)>;
    double evaluate(const Lookup& lookup) const;
    // When the outermost operation is a division: its two sides (numerator, denominator), so that
    // results keep their numerator and denominator; otherwise {value, NaN}.
    std::pair<double, double> evaluate_parts(const Lookup& lookup) const;
    bool is_ratio() const;

    const std::vector<std::string>& identifiers() const noexcept { return m_identifiers; }  // unique, in order
    const std::string& text() const noexcept { return m_text; }

    struct Node;

  private:
    std::string m_text;
    std::shared_ptr<const Node> m_root;  // immutable; sharing between copies and threads is safe
    std::vector<std::string> m_identifiers;
};

}  // namespace citycheck::engine
