#pragma once
// Attribute encodings of real-world Chinese data. Shapefiles from Chinese GIS desktops often carry
// GBK (CP936) attributes with no .cpg file and no code page byte in the DBF; GDAL then assumes
// ISO-8859-1 and produces mojibake. We look at the bytes and tell GDAL what they are.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citycheck::spatial {

struct AttributeEncoding {
    std::string encoding;  // "UTF-8", "CP936" (GBK), "ASCII", or a .cpg value such as "GB18030"
    std::string source;    // "cpg", "dbf-ldid", "detected", "default"
    std::string describe() const;  // "CP936 (GBK), detected from the bytes; no .cpg file"
};

// For a .shp or .dbf path: the encoding declared by .cpg or the DBF language driver byte, or
// detected from field names and record bytes. nullopt when the path is not a Shapefile.
std::optional<AttributeEncoding> shapefile_encoding(const std::string& path);

// GDAL open options that make the Shapefile driver decode attributes correctly. An explicit
// `encoding` (from the user) wins; otherwise every declared (.cpg, DBF language byte) or detected
// non-ASCII encoding is passed explicitly, so that a process-wide SHAPE_ENCODING setting cannot
// silence it. Empty for other formats.
std::vector<std::string> vector_open_options(const std::string& path, const std::string& encoding = "");

// Byte-level classification of a text sample.
enum class TextKind { ascii, utf8, gbk, unknown };
TextKind classify_bytes(std::string_view bytes);

// Recode between encodings via GDAL's iconv; throws InputError when the bytes are not valid.
std::string recode(std::string_view text, const std::string& from, const std::string& to = "UTF-8");

}  // namespace citycheck::spatial
