#include <citycheck/core/error.hpp>
#include <citycheck/spatial/proj.hpp>

#include <utility>

namespace citycheck::spatial {

ProjContext::ProjContext() : m_ctx(proj_context_create()) {
    if (!m_ctx) throw InternalError("proj_context_create failed");
}
ProjContext::~ProjContext() {
    if (m_ctx) proj_context_destroy(m_ctx);
}
ProjContext::ProjContext(ProjContext&& o) noexcept : m_ctx(std::exchange(o.m_ctx, nullptr)) {}
ProjContext& ProjContext::operator=(ProjContext&& o) noexcept {
    if (this != &o) {
        if (m_ctx) proj_context_destroy(m_ctx);
        m_ctx = std::exchange(o.m_ctx, nullptr);
    }
    return *this;
}

std::string ProjContext::last_error() const {
    const int code = proj_context_errno(m_ctx);
    const char* text = proj_context_errno_string(m_ctx, code);
    return text ? text : "";
}

PjPtr make_pj(const ProjContext& ctx, const std::string& definition) {
    PJ* pj = proj_create(ctx.get(), definition.c_str());
    if (!pj) throw InputError("PROJ cannot build '" + definition + "': " + ctx.last_error());
    return PjPtr(pj);
}

std::string proj_version() {
    const PJ_INFO info = proj_info();
    return info.version ? info.version : "";
}

}  // namespace citycheck::spatial
