#include "kbmake/base/name_marks.h"

#include <memory>
#include <mutex>

#include "absl/hash/hash.h"

namespace kbmake {
namespace {

/// Tables not leased at the moment. There are never more than the number of threads that
/// lease one at once.
struct Pool {
  std::mutex mu;
  std::vector<std::unique_ptr<NameMarks>> free;
};

Pool& ThePool() {
  static Pool* pool = new Pool;  // never destroyed: threads may lease during exit
  return *pool;
}

}  // namespace

NameMarks::Lease::Lease(size_t n) {
  std::unique_ptr<NameMarks> t;
  {
    Pool& p = ThePool();
    std::lock_guard<std::mutex> lock(p.mu);
    if (!p.free.empty()) {
      t = std::move(p.free.back());
      p.free.pop_back();
    }
  }
  if (!t) t = std::make_unique<NameMarks>();
  t->Reset(n);
  table_ = t.release();
}

NameMarks::Lease::~Lease() {
  Pool& p = ThePool();
  std::lock_guard<std::mutex> lock(p.mu);
  p.free.emplace_back(table_);
}

void NameMarks::Reset(size_t n) {
  records_.clear();
  records_.reserve(n);
  size_t want = 16;
  while (want < 2 * n) want *= 2;
  if (slots_.size() < want) {
    slots_.assign(want, Slot{});
    generation_ = 1;
    return;
  }
  if (++generation_ == 0) {  // after 2^32 passes: forget every old mark
    for (Slot& s : slots_) s.generation = 0;
    generation_ = 1;
  }
}

void NameMarks::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& o : old) {
    if (o.generation != generation_) continue;
    size_t i = o.hash & mask;
    while (slots_[i].generation == generation_) i = (i + 1) & mask;
    slots_[i] = o;
  }
}

size_t NameMarks::Insert(std::string_view name, bool* inserted) {
  if (2 * (records_.size() + 1) > slots_.size()) Grow();
  const uint64_t h = absl::Hash<std::string_view>{}(name);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.generation != generation_) {
      s.generation = generation_;
      s.hash = h;
      s.record = static_cast<uint32_t>(records_.size());
      records_.emplace_back();
      s.name = name;
      *inserted = true;
      return s.record;
    }
    if (s.hash == h && s.name == name) {
      *inserted = false;
      return s.record;
    }
  }
}

}  // namespace kbmake
