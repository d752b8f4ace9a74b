#pragma once
// One error model for the whole engine: an exception carries a code (which maps to the
// documented exit code) and the context a user needs to find the fault (file, layer, field, feature).
#include <stdexcept>
#include <string>

namespace citycheck {

enum class ErrorCode {
    internal = 1,   // a bug or an unexpected library failure
    usage = 2,      // bad command line or bad configuration
    input = 3,      // bad or unreadable input data
    output = 4,     // an output could not be written
    partial = 5,    // finished, but some parts failed under --keep-going
    cancelled = 130 // cancelled by the user (SIGINT or a progress callback)
};

// Where in the input a fault lies; every member is optional.
struct ErrorContext {
    std::string file;
    std::string layer;
    std::string field;
    std::string feature;  // feature id or row number, as text
    std::string to_string() const;  // "file 'a.shp', layer 'x', field 'DLBM', feature 12"
};

class Error : public std::runtime_error {
  public:
    Error(ErrorCode code, const std::string& message, ErrorContext context = {});
    ErrorCode code() const noexcept { return m_code; }
    const ErrorContext& context() const noexcept { return m_context; }
    const std::string& message() const noexcept { return m_message; }  // without context

  private:
    ErrorCode m_code;
    std::string m_message;
    ErrorContext m_context;
};

struct UsageError : Error {
    explicit UsageError(const std::string& m, ErrorContext c = {}) : Error(ErrorCode::usage, m, std::move(c)) {}
};
struct InputError : Error {
    explicit InputError(const std::string& m, ErrorContext c = {}) : Error(ErrorCode::input, m, std::move(c)) {}
};
struct OutputError : Error {
    explicit OutputError(const std::string& m, ErrorContext c = {}) : Error(ErrorCode::output, m, std::move(c)) {}
};
struct InternalError : Error {
    explicit InternalError(const std::string& m, ErrorContext c = {}) : Error(ErrorCode::internal, m, std::move(c)) {}
};
struct Cancelled : Error {
    Cancelled() : Error(ErrorCode::cancelled, "cancelled") {}
};

// The process exit code for an error code (the numeric values are the documented exit codes).
constexpr int exit_code(ErrorCode c) noexcept { return static_cast<int>(c); }

}  // namespace citycheck
