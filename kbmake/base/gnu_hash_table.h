// The slot order of GNU make 4.3's hash tables (hash.c). Wherever GNU make walks a table
// rather than a list, its output follows the slots: the intermediate files `rm` removes, the
// files `-p` prints, the order second expansion visits targets. kbmake keeps its own maps
// for lookups and uses this simulation only to reproduce that order.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kbmake {

/// GNU make 4.3's jhash_string(): Bob Jenkins' lookup3 mix over the string read a 32-bit
/// little-endian word at a time up to its terminating NUL, plus the number of bytes in the
/// words before the one holding the NUL. `s` must not contain NUL bytes (GNU's key ends at
/// the first one; callers pass names, which cannot hold one).
uint32_t GnuJhashString(std::string_view s);

/// GNU make 4.3's jhash(key, n): lookup3 over exactly `s.size()` bytes.
uint32_t GnuJhash(std::string_view s);

/// Where GNU make's open-addressing table puts each item. The tables kbmake simulates
/// (files, variables) have a second hash of 0, so probing is linear (step 1). As hash.c:
/// the table starts at round_up_2(buckets) slots; an insertion takes the first deleted slot
/// on the probe path, else the empty slot that ends it; a deletion leaves a deleted slot;
/// when fewer than 1/16 of the slots are empty the table is rebuilt (hash_rehash), twice
/// as large if 15/16 of it is in use, re-inserting the old slots in order. The caller
/// guarantees that an inserted key is new and a deleted item is present.
template <typename T>
class GnuHashTable {
 public:
  /// `buckets` is the size given to GNU's hash_init (FILE_BUCKETS, VARIABLE_BUCKETS, ...).
  explicit GnuHashTable(unsigned long buckets) {
    size_ = RoundUp2(buckets);
    capacity_ = size_ - size_ / 16;
    empty_ = size_;
    slots_.assign(size_, Slot{});
  }

  /// Inserts `item`, whose key hashes to `hash`.
  void Insert(uint32_t hash, T item) {
    unsigned long i = hash, deleted = kNone;
    for (;; ++i) {
      i &= size_ - 1;
      if (slots_[i].state == kEmpty) break;
      if (slots_[i].state == kDeleted && deleted == kNone) deleted = i;
    }
    if (deleted != kNone) {
      i = deleted;
    } else {
      --empty_;
    }
    slots_[i] = Slot{hash, item, kUsed};
    ++fill_;
    if (empty_ < size_ - capacity_) Rehash();
  }

  /// Deletes `item`, inserted with `hash`.
  void Delete(uint32_t hash, const T& item) {
    for (unsigned long i = hash;; ++i) {
      i &= size_ - 1;
      if (slots_[i].state == kEmpty) return;
      if (slots_[i].state == kUsed && slots_[i].item == item) {
        slots_[i].state = kDeleted;
        --fill_;
        return;
      }
    }
  }

  /// Calls fn(item) for every item in slot order (GNU's hash_map).
  template <typename F>
  void ForEach(F fn) const {
    for (const Slot& s : slots_)
      if (s.state == kUsed) fn(s.item);
  }

  /// Items in slot order.
  std::vector<T> Items() const {
    std::vector<T> out;
    out.reserve(fill_);
    ForEach([&](const T& t) { out.push_back(t); });
    return out;
  }

  /// Slots, items and rebuilds, for -p's hash-table statistics.
  unsigned long size() const { return size_; }
  unsigned long fill() const { return fill_; }
  unsigned long rehashes() const { return rehashes_; }

 private:
  enum State : unsigned char { kEmpty, kUsed, kDeleted };
  static constexpr unsigned long kNone = ~0UL;
  struct Slot {
    uint32_t hash = 0;
    T item{};
    State state = kEmpty;
  };
  static unsigned long RoundUp2(unsigned long n) {
    n |= n >> 1;
    n |= n >> 2;
    n |= n >> 4;
    n |= n >> 8;
    n |= n >> 16;
    n |= n >> 32;
    return n + 1;
  }
  void Rehash() {
    std::vector<Slot> old;
    old.swap(slots_);
    if (fill_ >= capacity_) {
      size_ *= 2;
      capacity_ = size_ - (size_ >> 4);
    }
    ++rehashes_;
    slots_.assign(size_, Slot{});
    for (const Slot& s : old) {
      if (s.state != kUsed) continue;
      unsigned long i = s.hash;
      for (;; ++i) {
        i &= size_ - 1;
        if (slots_[i].state == kEmpty) break;
      }
      slots_[i] = s;
    }
    empty_ = size_ - fill_;
  }

  unsigned long size_ = 0, capacity_ = 0, fill_ = 0, empty_ = 0, rehashes_ = 0;
  std::vector<Slot> slots_;
};

}  // namespace kbmake
