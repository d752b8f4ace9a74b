#pragma once
// RAII over PROJ's own C API, for the few places that use PROJ directly (geodesic work, operations
// that OGR does not expose). PJ objects are bound to their context: one context per thread.
#include <memory>
#include <string>

#include <proj.h>

namespace citycheck::spatial {

class ProjContext {
  public:
    ProjContext();
    ~ProjContext();
    ProjContext(ProjContext&& other) noexcept;
    ProjContext& operator=(ProjContext&& other) noexcept;
    ProjContext(const ProjContext&) = delete;
    ProjContext& operator=(const ProjContext&) = delete;
    PJ_CONTEXT* get() const noexcept { return m_ctx; }
    std::string last_error() const;

  private:
    PJ_CONTEXT* m_ctx = nullptr;
};

struct PjDeleter {
    void operator()(PJ* pj) const noexcept { proj_destroy(pj); }
};
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

// proj_create on this context; throws InputError with PROJ's message.
PjPtr make_pj(const ProjContext& ctx, const std::string& definition);

// PROJ's library version, "9.1.1".
std::string proj_version();

}  // namespace citycheck::spatial
