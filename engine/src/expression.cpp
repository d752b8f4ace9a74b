// Recursive-descent parser and evaluator for expression indicators.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/expression.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>

namespace citycheck::engine {

struct Expression::Node {
    char op = 0;  // '+', '-', '*', '/', 'n' (negate), 'c' (constant), 'v' (variable)
    double constant = 0;
    std::string name;
    std::shared_ptr<const Node> left, right;
};

namespace {
using NodePtr = std::shared_ptr<const Expression::Node>;

class Parser {
  public:
    explicit Parser(const std::string& text) : m_s(text) {}

    NodePtr parse_all() {
        auto n = parse_sum();
        skip_space();
        if (m_pos < m_s.size()) fail("unexpected '" + current_char() + "'");
        return n;
    }
    std::vector<std::string> ids;

  private:
    const std::string& m_s;
    std::size_t m_pos = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw UsageError("expression: " + what + " at column " + std::to_string(m_pos + 1) + " in '" + m_s + "'");
    }
    std::string current_char() const {
        if (m_pos >= m_s.size()) return "end";
        std::size_t len = 1;
        const auto c = static_cast<unsigned char>(m_s[m_pos]);
        if (c >= 0xF0) len = 4; else if (c >= 0xE0) len = 3; else if (c >= 0xC0) len = 2;
        return m_s.substr(m_pos, len);
    }
    void skip_space() {
        while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t' || m_s[m_pos] == '\n')) ++m_pos;
    }
    // Reads an operator among + - * / and the Unicode − × ÷; returns 0 if none.
    char peek_op() {
        skip_space();
        if (m_pos >= m_s.size()) return 0;
        const char c = m_s[m_pos];
        if (c == '+' || c == '-' || c == '*' || c == '/') return c;
        if (m_s.compare(m_pos, 3, "\xE2\x88\x92") == 0) return '-';  // − U+2212
        if (m_s.compare(m_pos, 2, "\xC3\x97") == 0) return '*';      // × U+00D7
        if (m_s.compare(m_pos, 2, "\xC3\xB7") == 0) return '/';      // ÷ U+00F7
        return 0;
    }
    void take_op() {
        const auto c = static_cast<unsigned char>(m_s[m_pos]);
        m_pos += c < 0x80 ? 1 : c >= 0xE0 ? 3 : 2;
    }
    static NodePtr make(char op, NodePtr l, NodePtr r) {
        auto n = std::make_shared<Expression::Node>();
        n->op = op;
        n->left = std::move(l);
        n->right = std::move(r);
        return n;
    }
    NodePtr parse_sum() {
        auto left = parse_product();
        for (char op = peek_op(); op == '+' || op == '-'; op = peek_op()) {
            take_op();
            left = make(op, left, parse_product());
        }
        return left;
    }
    NodePtr parse_product() {
        auto left = parse_unary();
        for (char op = peek_op(); op == '*' || op == '/'; op = peek_op()) {
            take_op();
            left = make(op, left, parse_unary());
        }
        return left;
    }
    NodePtr parse_unary() {
        const char op = peek_op();
        if (op == '-') {
            take_op();
            return make('n', parse_unary(), nullptr);
        }
        if (op == '+') {
            take_op();
            return parse_unary();
        }
        return parse_primary();
    }
    NodePtr parse_primary() {
        skip_space();
        if (m_pos >= m_s.size()) fail("expected a number, an indicator id or '('");
        const char c = m_s[m_pos];
        if (c == '(') {
            ++m_pos;
            auto inner = parse_sum();
            skip_space();
            if (m_pos >= m_s.size() || m_s[m_pos] != ')') fail("expected ')'");
            ++m_pos;
            return inner;
        }
        if ((c >= '0' && c <= '9') || c == '.') {
            const char* begin = m_s.c_str() + m_pos;
            char* end = nullptr;
            const double v = std::strtod(begin, &end);
            if (end == begin) fail("bad number");
            m_pos += static_cast<std::size_t>(end - begin);
            auto n = std::make_shared<Expression::Node>();
            n->op = 'c';
            n->constant = v;
            return n;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
            const std::size_t start = m_pos;
            while (m_pos < m_s.size() && ((m_s[m_pos] >= 'a' && m_s[m_pos] <= 'z') || (m_s[m_pos] >= 'A' && m_s[m_pos] <= 'Z') ||
                                          (m_s[m_pos] >= '0' && m_s[m_pos] <= '9') || m_s[m_pos] == '_'))
                ++m_pos;
            auto n = std::make_shared<Expression::Node>();
            n->op = 'v';
            n->name = m_s.substr(start, m_pos - start);
            bool seen = false;
            for (const auto& id : ids) seen = seen || id == n->name;
            if (!seen) ids.push_back(n->name);
            return n;
        }
        fail("unexpected '" + current_char() + "'");
    }
};

double eval(const Expression::Node& n, const Expression::Lookup& lookup) {
    switch (n.op) {
        case 'c': return n.constant;
        case 'v': return lookup(n.name);
        case 'n': return -eval(*n.left, lookup);
        case '+': return eval(*n.left, lookup) + eval(*n.right, lookup);
        case '-': return eval(*n.left, lookup) - eval(*n.right, lookup);
        case '*': return eval(*n.left, lookup) * eval(*n.right, lookup);
        case '/': {
            const double d = eval(*n.right, lookup);
            if (d == 0.0) return std::numeric_limits<double>::quiet_NaN();
            return eval(*n.left, lookup) / d;
        }
        default: return std::numeric_limits<double>::quiet_NaN();
    }
}
}  // namespace

Expression Expression::parse(const std::string& text) {
    Parser p(text);
    Expression e;
    e.m_text = text;
    e.m_root = p.parse_all();
    e.m_identifiers = p.ids;
    return e;
}

double Expression::evaluate(const Lookup& lookup) const { return eval(*m_root, lookup); }

bool Expression::is_ratio() const { return m_root->op == '/'; }

std::pair<double, double> Expression::evaluate_parts(const Lookup& lookup) const {
    if (is_ratio()) return {eval(*m_root->left, lookup), eval(*m_root->right, lookup)};
    return {evaluate(lookup), std::numeric_limits<double>::quiet_NaN()};
}

}  // namespace citycheck::engine
