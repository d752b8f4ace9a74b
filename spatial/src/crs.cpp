#include <citycheck/core/error.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>

namespace citycheck::spatial {

namespace {
// GDAL's OGRSpatialReference is not thread-safe even through const methods (they fill caches and
// share PROJ objects), and a Crs is shared by copies across threads: every call into one goes
// through this lock. None of them sits in a per-feature loop.
std::recursive_mutex& osr_mutex() {
    static std::recursive_mutex m;
    return m;
}

std::shared_ptr<OGRSpatialReference> make_srs() {
    auto srs = std::make_shared<OGRSpatialReference>();
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}
}  // namespace

Crs::Crs() = default;

Crs Crs::from_user_input(const std::string& text) {
    GdalEnvironment::ensure();
    std::string input = text;
    if (!input.empty() && std::all_of(input.begin(), input.end(), ::isdigit)) input = "EPSG:" + input;
    std::filesystem::path p(text);
    if (p.extension() == ".prj" || (text.size() < 4096 && std::filesystem::is_regular_file(p))) {
        std::ifstream in(p);
        if (!in) throw UsageError("cannot read CRS file", {.file = text});
        std::stringstream ss;
        ss << in.rdbuf();
        input = ss.str();
    }
    auto srs = make_srs();
    if (srs->SetFromUserInput(input.c_str()) != OGRERR_NONE)
        throw UsageError("not a CRS citycheck understands: '" + text.substr(0, 80) +
                         "' (use an EPSG code such as EPSG:4547, WKT, a PROJ string or a .prj file)");
    return Crs(srs);
}

Crs Crs::from_epsg(int code) {
    GdalEnvironment::ensure();
    auto srs = make_srs();
    if (srs->importFromEPSG(code) != OGRERR_NONE) throw UsageError(with_gdal_reason("unknown EPSG code " + std::to_string(code)));
    return Crs(srs);
}

Crs Crs::from_wkt(const std::string& wkt) {
    auto srs = make_srs();
    if (srs->importFromWkt(wkt.c_str()) != OGRERR_NONE) throw InputError(with_gdal_reason("unreadable CRS WKT: " + wkt.substr(0, 80)));
    return Crs(srs);
}

Crs Crs::from_ogr(const OGRSpatialReference* srs) {
    if (!srs) return Crs();
    const std::lock_guard lock(osr_mutex());
    auto copy = std::make_shared<OGRSpatialReference>(*srs);
    copy->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return Crs(copy);
}

bool Crs::is_geographic() const {
    const std::lock_guard lock(osr_mutex());
    return m_srs && m_srs->IsGeographic();
}
bool Crs::is_projected() const {
    const std::lock_guard lock(osr_mutex());
    return m_srs && m_srs->IsProjected();
}

std::string Crs::name() const {
    if (!m_srs) return "";
    const std::lock_guard lock(osr_mutex());
    const char* n = m_srs->GetName();
    return n ? n : "";
}

std::optional<int> Crs::epsg() const {
    if (!m_srs) return std::nullopt;
    const std::lock_guard lock(osr_mutex());
    const char* auth = m_srs->GetAuthorityName(nullptr);
    const char* code = m_srs->GetAuthorityCode(nullptr);
    if (auth && code && std::string(auth) == "EPSG") return std::stoi(code);
    // Identify (e.g. from an ESRI .prj) only when the match is certain.
    OGRSpatialReference copy(*m_srs);
    if (copy.AutoIdentifyEPSG() == OGRERR_NONE) {
        auth = copy.GetAuthorityName(nullptr);
        code = copy.GetAuthorityCode(nullptr);
        if (auth && code && std::string(auth) == "EPSG") return std::stoi(code);
    }
    int count = 0;
    int* confidences = nullptr;
    OGRSpatialReferenceH* matches = m_srs->FindMatches(nullptr, &count, &confidences);
    std::optional<int> out;
    if (matches && count >= 1 && confidences[0] >= 90) {
        auto* best = OGRSpatialReference::FromHandle(matches[0]);
        auth = best->GetAuthorityName(nullptr);
        code = best->GetAuthorityCode(nullptr);
        if (auth && code && std::string(auth) == "EPSG") out = std::stoi(code);
    }
    OSRFreeSRSArray(matches);
    CPLFree(confidences);
    return out;
}

std::string Crs::to_wkt() const {
    if (!m_srs) return "";
    const std::lock_guard lock(osr_mutex());
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    m_srs->exportToWkt(&wkt, options);
    std::string out = wkt ? wkt : "";
    CPLFree(wkt);
    return out;
}

std::string Crs::to_user_string() const {
    if (auto code = epsg()) return "EPSG:" + std::to_string(*code);
    return to_wkt();
}

bool Crs::same_as(const Crs& other) const {
    if (empty() || other.empty()) return empty() && other.empty();
    const char* options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS",
                             nullptr};
    const std::lock_guard lock(osr_mutex());
    return m_srs->IsSame(other.m_srs.get(), options);
}

double Crs::linear_units_to_metre() const {
    const std::lock_guard lock(osr_mutex());
    if (!m_srs || m_srs->IsGeographic()) return std::numeric_limits<double>::quiet_NaN();
    return m_srs->GetLinearUnits(nullptr);
}

int gk3_central_meridian(double lon) { return 3 * static_cast<int>(std::lround(lon / 3.0)); }

int gk3_epsg_for_longitude(double lon) {
    const int cm = gk3_central_meridian(lon);
    if (cm < 75 || cm > 135)
        throw UsageError("longitude " + std::to_string(lon) + " is outside the CGCS2000 GK zones (75°E–135°E)");
    return 4534 + (cm - 75) / 3;
}

int gk3_prefixed_epsg_for_longitude(double lon) {
    const int cm = gk3_central_meridian(lon);
    if (cm < 75 || cm > 135)
        throw UsageError("longitude " + std::to_string(lon) + " is outside the CGCS2000 GK zones (75°E–135°E)");
    return 4488 + cm / 3;  // zone n = cm / 3, EPSG = 4488 + n
}

std::optional<int> gk3_prefixed_epsg_for_easting(double x) {
    const double zone = std::floor(x / 1e6);
    if (zone < 25 || zone > 45) return std::nullopt;
    const double within = x - zone * 1e6;  // 500 000 ± ~ 170 km at China's latitudes
    if (within < 100000 || within > 900000) return std::nullopt;
    return 4488 + static_cast<int>(zone);
}

Crs metric_crs_for(double lon, double lat) {
    if (lon >= 73.5 && lon <= 136.5 && lat >= 0 && lat <= 56) return Crs::from_epsg(gk3_epsg_for_longitude(lon));
    const int zone = std::clamp(static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1, 1, 60);
    return Crs::from_epsg((lat >= 0 ? 32600 : 32700) + zone);
}

void Transform::Deleter::operator()(OGRCoordinateTransformation* ct) const noexcept {
    OGRCoordinateTransformation::DestroyCT(ct);
}

Transform::Transform(const Crs& from, const Crs& to) {
    if (from.empty() || to.empty()) throw UsageError("cannot transform coordinates: a CRS is unknown");
    if (from.same_as(to)) return;
    GdalErrorScope errors;
    {
        const std::lock_guard lock(osr_mutex());  // reads both shared CRSs; the result is this thread's own
        m_ct.reset(OGRCreateCoordinateTransformation(from.ogr(), to.ogr()));
    }
    if (!m_ct)
        throw InputError("no coordinate transformation from " + from.to_user_string().substr(0, 60) + " to " +
                         to.to_user_string().substr(0, 60) + ": " + errors.last_error());
}

Transform::Transform(Transform&&) noexcept = default;
Transform& Transform::operator=(Transform&&) noexcept = default;
Transform::~Transform() = default;

void Transform::apply(std::vector<double>& x, std::vector<double>& y) const {
    if (!m_ct || x.empty()) return;
    std::vector<int> ok(x.size());
    if (!m_ct->Transform(x.size(), x.data(), y.data(), nullptr, ok.data()))
        for (std::size_t i = 0; i < ok.size(); ++i)
            if (!ok[i])
                throw InputError("coordinate " + std::to_string(x[i]) + ", " + std::to_string(y[i]) +
                                 " cannot be transformed (outside the CRS' area?)");
}

void Transform::apply(double& x, double& y) const {
    if (!m_ct) return;
    const double x0 = x, y0 = y;
    if (!m_ct->Transform(1, &x, &y))
        throw InputError("coordinate " + std::to_string(x0) + ", " + std::to_string(y0) + " cannot be transformed");
}

}  // namespace citycheck::spatial
