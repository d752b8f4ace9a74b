#pragma once
// Land-class schemes as data: the 三调 working classification (sandiao), the 2023 用地用海 classes
// (ydyh) and user files that extend them or map local codes onto them. A scheme assigns every raw
// code of a parcel layer to at most one class; groups (耕地, 建设用地, variants of 湿地 …) are sets of
// classes. The files live in engine/schemes/ (see docs/methods/land-survey-overlay.md).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citycheck::spatial {

struct LandClass {
    std::string code;        // "0101", "0810A", "070101"
    std::string name;        // 水田
    std::string level1;      // "01 耕地"
    std::string confidence;  // confirmed | weak | memory | proposal
};

struct LandGroup {
    std::string id;       // ASCII, used in column names: "cultivated"
    std::string name_zh;  // 耕地
    std::string name_en;
    std::string variant_of;  // non-empty when this group is one of several readings of a concept
    std::string source;
    std::string confidence;
    std::string note;
    std::vector<std::string> patterns;  // codes or glob patterns over class codes, as written
    std::vector<std::string> excludes;
    std::vector<std::size_t> classes;   // resolved member classes, ascending
};

// A user mapping entry: a raw code or glob pattern (fnmatch: * ? [a-z]) → a class code.
struct CodeMapping {
    std::string pattern;
    std::string class_code;
};

enum class CodeMatch { exact, hierarchical };

class LandScheme {
  public:
    // Built-in scheme by name ("sandiao", "ydyh") or a YAML file path. A file may say
    // `extends: sandiao` to inherit classes and groups, then add `mapping`, `classes`, `groups`.
    // Throws UsageError for an unknown name and InputError (naming the file and key) for bad files.
    static LandScheme load(const std::string& name_or_path);
    static LandScheme from_yaml_text(const std::string& text, const std::string& origin);

    const std::string& id() const noexcept { return m_id; }
    const std::string& name() const noexcept { return m_name; }
    const std::string& origin() const noexcept { return m_origin; }  // file(s) it came from
    CodeMatch match() const noexcept { return m_match; }
    const std::vector<LandClass>& classes() const noexcept { return m_classes; }
    const std::vector<LandGroup>& groups() const noexcept { return m_groups; }
    const std::vector<CodeMapping>& mappings() const noexcept { return m_mappings; }

    // The class of a raw code: user mappings first (file order), then the exact class code, then
    // (hierarchical schemes) the longest class code that is a prefix. Codes are trimmed and
    // upper-cased, nothing else (an integer field's "101" is ambiguous: map it in a user file).
    std::optional<std::size_t> classify(std::string_view raw_code) const;
    std::optional<std::size_t> find_class(std::string_view code) const;

    // Normalised form of a raw code, as classify() sees it.
    static std::string normalise_code(std::string_view raw);

  private:
    void add_yaml(const std::string& text, const std::string& origin, int depth);
    void resolve_groups();
    std::string m_id;
    std::string m_name;
    std::string m_origin;
    CodeMatch m_match = CodeMatch::exact;
    std::vector<LandClass> m_classes;
    std::vector<LandGroup> m_groups;
    std::vector<CodeMapping> m_mappings;
};

// The folder holding the built-in scheme files: $CITYCHECK_DATA_DIR/schemes when that variable is
// set, else the source tree's engine/schemes. Throws InternalError if neither exists.
std::filesystem::path scheme_directory();

// True when pattern (fnmatch syntax: * ? [..]) matches text.
bool code_pattern_matches(std::string_view pattern, std::string_view text);

}  // namespace citycheck::spatial
