#pragma once
// SHA-256 (FIPS 180-4) for input checksums in provenance.json. GDAL's cpl_sha256.h is not
// installed by Debian's libgdal-dev, so this small implementation is ours.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace citycheck::engine {

class Sha256 {
  public:
    Sha256();
    void update(const void* data, std::size_t size);
    std::string hex();  // finishes; call once

  private:
    void block(const unsigned char* p);
    std::uint32_t m_h[8];
    unsigned char m_buf[64];
    std::size_t m_used = 0;
    std::uint64_t m_bits = 0;
};

std::string sha256_hex(std::string_view data);
std::string sha256_file(const std::filesystem::path& path);  // throws InputError

}  // namespace citycheck::engine
