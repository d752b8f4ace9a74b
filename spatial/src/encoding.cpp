#include <citycheck/core/error.hpp>
#include <citycheck/spatial/encoding.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include <cpl_string.h>

namespace citycheck::spatial {
namespace fs = std::filesystem;

std::string AttributeEncoding::describe() const {
    std::string name = encoding == "CP936" ? "CP936 (GBK)" : encoding;
    if (source == "cpg") return name + ", from the .cpg file";
    if (source == "dbf-ldid") return name + ", from the DBF code page byte";
    if (source == "detected") return name + ", detected from the bytes; no .cpg file";
    return name;
}

namespace {
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        if (c < 0x80) extra = 0;
        else if (c >= 0xC2 && c <= 0xDF) extra = 1;
        else if ((c >> 4) == 0xE) extra = 2;
        else if (c >= 0xF0 && c <= 0xF4) extra = 3;
        else return false;
        if (i + extra >= s.size() && extra > 0) return false;
        for (std::size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += extra + 1;
    }
    return true;
}

bool valid_gb18030(std::string_view s) {
    std::size_t i = 0;
    auto at = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    while (i < s.size()) {
        const auto c = at(i);
        if (c < 0x80) { ++i; continue; }
        if (c == 0x80 || c == 0xFF || i + 1 >= s.size()) return false;
        const auto d = at(i + 1);
        if (d >= 0x40 && d <= 0xFE && d != 0x7F) { i += 2; continue; }  // GBK double byte
        if (d >= 0x30 && d <= 0x39 && i + 3 < s.size() && at(i + 2) >= 0x81 && at(i + 2) <= 0xFE &&
            at(i + 3) >= 0x30 && at(i + 3) <= 0x39) {  // GB18030 four byte
            i += 4;
            continue;
        }
        return false;
    }
    return true;
}

std::optional<std::string> encoding_from_ldid(unsigned char ldid) {
    switch (ldid) {
        case 0x4D: case 0x7A: return "CP936";
        case 0x4E: case 0x79: return "CP949";
        case 0x4F: case 0x78: return "CP950";
        case 0x57: return "ISO-8859-1";
        case 0x03: return "CP1252";
        default: return std::nullopt;
    }
}

std::string trim(std::string s) {
    s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }), s.end());
    return s;
}
}  // namespace

TextKind classify_bytes(std::string_view bytes) {
    if (std::all_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return TextKind::ascii;
    if (valid_utf8(bytes)) return TextKind::utf8;
    if (valid_gb18030(bytes)) return TextKind::gbk;
    return TextKind::unknown;
}

std::optional<AttributeEncoding> shapefile_encoding(const std::string& path) {
    fs::path p(path);
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (ext != ".shp" && ext != ".dbf") return std::nullopt;
    for (const char* cpg_ext : {".cpg", ".CPG"}) {
        fs::path cpg = p;
        cpg.replace_extension(cpg_ext);
        if (fs::exists(cpg)) {
            std::ifstream in(cpg);
            std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            value = trim(value);
            if (!value.empty()) return AttributeEncoding{value, "cpg"};
        }
    }
    fs::path dbf = p;
    dbf.replace_extension(".dbf");
    if (!fs::exists(dbf)) {
        dbf.replace_extension(".DBF");
        if (!fs::exists(dbf)) return std::nullopt;
    }
    std::ifstream in(dbf, std::ios::binary);
    std::array<unsigned char, 32> header{};
    if (!in.read(reinterpret_cast<char*>(header.data()), header.size())) return std::nullopt;
    if (auto declared = encoding_from_ldid(header[29])) return AttributeEncoding{*declared, "dbf-ldid"};
    // Field names and up to 4 MiB of records; enough to meet non-ASCII text if there is any.
    const std::uint16_t header_len = static_cast<std::uint16_t>(header[8] | (header[9] << 8));
    std::string sample(std::max<std::size_t>(header_len, 32) - 32, '\0');
    in.read(sample.data(), static_cast<std::streamsize>(sample.size()));
    std::string records(4u << 20, '\0');
    in.read(records.data(), static_cast<std::streamsize>(records.size()));
    records.resize(static_cast<std::size_t>(in.gcount()));
    // Never judge a character cut in half at the end of the sample.
    while (!records.empty() && static_cast<unsigned char>(records.back()) >= 0x80) records.pop_back();
    sample += records;
    switch (classify_bytes(sample)) {
        case TextKind::ascii: return AttributeEncoding{"ASCII", "detected"};
        case TextKind::utf8: return AttributeEncoding{"UTF-8", "detected"};
        case TextKind::gbk: return AttributeEncoding{"CP936", "detected"};
        case TextKind::unknown: return AttributeEncoding{"ISO-8859-1", "default"};
    }
    return std::nullopt;
}

std::vector<std::string> vector_open_options(const std::string& path, const std::string& encoding) {
    if (!encoding.empty()) return {"ENCODING=" + encoding};
    const auto enc = shapefile_encoding(path);
    if (!enc || enc->encoding == "ASCII" || enc->source == "default") return {};
    std::string e = enc->encoding;
    if (!e.empty() && e.find_first_not_of("0123456789") == std::string::npos) e = "CP" + e;  // .cpg "936"
    return {"ENCODING=" + e};
}

std::string recode(std::string_view text, const std::string& from, const std::string& to) {
    const std::string in(text);
    char* out = CPLRecode(in.c_str(), from.c_str(), to.c_str());
    if (!out) throw InputError("cannot recode text from " + from + " to " + to);
    std::string result(out);
    CPLFree(out);
    return result;
}

}  // namespace citycheck::spatial
