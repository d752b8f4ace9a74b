#include <citycheck/core/error.hpp>

namespace citycheck {

std::string ErrorContext::to_string() const {
    std::string out;
    auto add = [&out](const char* label, const std::string& value, bool quote) {
        if (value.empty()) return;
        if (!out.empty()) out += ", ";
        out += label;
        out += quote ? " '" + value + "'" : " " + value;
    };
    add("file", file, true);
    add("layer", layer, true);
    add("field", field, true);
    add("feature", feature, false);
    return out;
}

namespace {
std::string compose(const std::string& message, const ErrorContext& context) {
    const std::string where = context.to_string();
    return where.empty() ? message : where + ": " + message;
}
}  // namespace

Error::Error(ErrorCode code, const std::string& message, ErrorContext context)
    : std::runtime_error(compose(message, context)),
      m_code(code),
      m_message(message),
      m_context(std::move(context)) {}

}  // namespace citycheck
