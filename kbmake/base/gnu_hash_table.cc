#include "kbmake/base/gnu_hash_table.h"

#include <cstring>

namespace kbmake {
namespace {

inline uint32_t Rot(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

inline void Mix(uint32_t& a, uint32_t& b, uint32_t& c) {
  a -= c; a ^= Rot(c, 4); c += b;
  b -= a; b ^= Rot(a, 6); a += c;
  c -= b; c ^= Rot(b, 8); b += a;
  a -= c; a ^= Rot(c, 16); c += b;
  b -= a; b ^= Rot(a, 19); a += c;
  c -= b; c ^= Rot(b, 4); b += a;
}

inline void Final(uint32_t& a, uint32_t& b, uint32_t& c) {
  c ^= b; c -= Rot(b, 14);
  a ^= c; a -= Rot(c, 11);
  b ^= a; b -= Rot(a, 25);
  c ^= b; c -= Rot(b, 16);
  a ^= c; a -= Rot(c, 4);
  b ^= a; b -= Rot(a, 14);
  c ^= b; c -= Rot(b, 24);
}

// The little-endian 32-bit word at `p`, with the bytes past `avail` read as zero (GNU's
// memcpy of the remaining bytes into a zeroed word).
inline uint32_t Word(const unsigned char* p, size_t avail) {
  unsigned char b[4] = {0, 0, 0, 0};
  std::memcpy(b, p, avail < 4 ? avail : 4);
  return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

// One step of jhash_string: adds the word's bytes before its first NUL to *acc; true when
// the word held a NUL (the string ended).
inline bool AddWord(uint32_t* acc, uint32_t val) {
  if (((val - 0x01010101u) & ~val & 0x80808080u) == 0) {
    *acc += val;
    return false;
  }
  if (val & 0xff) {
    if (!(val & 0xff00)) {
      *acc += val & 0xff;
    } else if (!(val & 0xff0000)) {
      *acc += val & 0xffff;
    } else {
      *acc += val;
    }
  }
  return true;
}

}  // namespace

uint32_t GnuJhashString(std::string_view s) {
  const auto* k = reinterpret_cast<const unsigned char*>(s.data());
  size_t left = s.size(), pos = 0;
  uint32_t a = 0xdeadbeef, b = a, c = a;
  for (;;) {
    if (AddWord(&a, Word(k + pos, left))) break;
    pos += 4, left -= 4;
    if (AddWord(&b, Word(k + pos, left))) break;
    pos += 4, left -= 4;
    if (AddWord(&c, Word(k + pos, left))) break;
    pos += 4, left -= 4;
    Mix(a, b, c);
  }
  Final(a, b, c);
  return c + static_cast<uint32_t>(pos);
}

uint32_t GnuJhash(std::string_view s) {
  const auto* k = reinterpret_cast<const unsigned char*>(s.data());
  size_t length = s.size();
  uint32_t a = 0xdeadbeef + static_cast<uint32_t>(length), b = a, c = a;
  while (length > 12) {
    a += Word(k, 4);
    b += Word(k + 4, 4);
    c += Word(k + 8, 4);
    Mix(a, b, c);
    length -= 12;
    k += 12;
  }
  if (length == 0) return c;
  if (length > 8) {
    a += Word(k, 4);
    length -= 4;
    k += 4;
  }
  if (length > 4) {
    b += Word(k, 4);
    length -= 4;
    k += 4;
  }
  if (length == 4) c += uint32_t(k[3]) << 24;
  if (length >= 3) c += uint32_t(k[2]) << 16;
  if (length >= 2) c += uint32_t(k[1]) << 8;
  c += k[0];
  Final(a, b, c);
  return c;
}

}  // namespace kbmake
