// A minimal little-endian byte encoding for kbmake's own files and pipes: integers and
// length-prefixed strings. A reader never reads past its end; any short read marks it bad.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kbmake {

/// Appends values to a byte string.
class ByteWriter {
 public:
  void U64(uint64_t v) {
    char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out_.append(b, 8);
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

/// Reads values written by ByteWriter; after any failure ok() is false and reads return 0/"".
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint64_t U64() {
    if (!ok_ || in_.size() < 8) return Fail();
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
    in_.remove_prefix(8);
    return v;
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  std::string Str() {
    uint64_t n = U64();
    if (!ok_ || n > in_.size()) {
      Fail();
      return {};
    }
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  /// The number of bytes not read yet.
  size_t remaining() const { return in_.size(); }

 private:
  uint64_t Fail() {
    ok_ = false;
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

/// FNV-1a 64-bit, used as a checksum of whole files.
inline uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace kbmake
