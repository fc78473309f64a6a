// A scratch set of names for one pass over a list, without allocating: the automatic
// variables $^, $? and $| list each prerequisite once, and an object of a Kbuild tree has
// hundreds of prerequisites. A hash table built for each target is written into fresh memory
// (about 3% of a warm Linux null build); these tables are pooled by the process and emptied
// by a generation count, so their memory stays warm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kbmake {

/// A set of names, each with a small record, valid for one pass: the names are borrowed
/// (string_views) and must outlive the pass. Use through NameMarks::Lease.
class NameMarks {
 public:
  /// What a name remembers: its first mention and one flag, both the caller's to interpret.
  struct Record {
    const void* first = nullptr;
    bool flag = false;
  };

  /// An empty table from the process-wide pool, sized for `n` names (it grows if more are
  /// inserted), returned to the pool when the lease ends. Thread-safe.
  class Lease {
   public:
    explicit Lease(size_t n);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    NameMarks* operator->() const { return table_; }

   private:
    NameMarks* table_;
  };

  /// The number of `name`'s record (0, 1, ... in the order of first insertion); *inserted
  /// tells whether the name was new (its record then is Record{}).
  size_t Insert(std::string_view name, bool* inserted);
  /// Record number `i` of this pass.
  Record& record(size_t i) { return records_[i]; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t generation = 0;  // the slot is used in the current pass iff equal to generation_
    uint32_t record = 0;      // index in records_
    std::string_view name;
  };
  /// Empties the table and makes room for `n` names (load at most one half).
  void Reset(size_t n);
  /// Doubles the slots, keeping this pass's names.
  void Grow();

  std::vector<Slot> slots_;
  std::vector<Record> records_;
  uint32_t generation_ = 0;
};

}  // namespace kbmake
