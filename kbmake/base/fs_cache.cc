#include "kbmake/base/fs_cache.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "absl/hash/hash.h"

namespace kbmake {

std::shared_ptr<const std::vector<std::string>> ReadDirectory(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return nullptr;
  auto names = std::make_shared<std::vector<std::string>>();
  while (struct dirent* de = readdir(d)) names->emplace_back(de->d_name);
  closedir(d);
  std::sort(names->begin(), names->end());
  return names;
}

FsCache::Shard& FsCache::ShardOf(const std::string& name) {
  return shards_[absl::Hash<std::string_view>()(name) % kShards];
}

int FsCache::Stat(const std::string& path, bool follow, struct stat* st) {
  Shard& sh = ShardOf(path);
  uint64_t epoch;
  {
    std::lock_guard<std::mutex> lock(sh.mu);
    ++sh.lookups;
    if (running_ == 0) {
      auto it = sh.stats[follow].find(path);
      if (it != sh.stats[follow].end() && it->second.epoch == epoch_) {
        ++sh.hits;
        if (it->second.err != 0) {
          errno = it->second.err;
          return -1;
        }
        *st = it->second.st;
        return 0;
      }
    }
    epoch = epoch_;
  }
  int rc = follow ? stat(path.c_str(), st) : lstat(path.c_str(), st);
  int err = rc == 0 ? 0 : errno;
  {
    std::lock_guard<std::mutex> lock(sh.mu);
    // Only an answer taken wholly inside the current, quiet epoch is kept (every process
    // start and end moves the epoch on, so one that started meanwhile is seen here).
    if (running_ == 0 && epoch == epoch_) {
      auto& answers = sh.stats[follow];
      // A Linux build keeps hundreds of answers in each shard: room for them is made once,
      // instead of the table being rehashed five times on the way.
      if (answers.empty()) answers.reserve(kFirstReserve);
      StatEntry& e = answers[path];
      e.epoch = epoch;
      e.err = err;
      if (rc == 0) e.st = *st;
    }
  }
  errno = err;
  return rc;
}

namespace {

// `dir` without its "." components ("/t/./scripts/." is "/t/scripts"): the same directory for
// every system call (a "." step stays where the walk is), so both spellings share a listing.
// Kbuild names the source tree "." and so asks for both.
std::string WithoutDotComponents(const std::string& dir) {
  if (dir.find("/.") == std::string::npos) return dir;
  std::string out;
  out.reserve(dir.size());
  size_t i = 0;
  while (i < dir.size()) {
    size_t j = dir.find('/', i);
    if (j == std::string::npos) j = dir.size();
    std::string_view part(dir.data() + i, j - i);
    if (part != "." || i == 0) {
      if (i > 0) out.push_back('/');
      out.append(part);
    }
    i = j + 1;
  }
  if (out.empty()) out = "/";
  return out;
}

}  // namespace

std::shared_ptr<const std::vector<std::string>> FsCache::List(const std::string& given) {
  const std::string dir = WithoutDotComponents(given);
  Shard& sh = ShardOf(dir);
  uint64_t epoch;
  {
    std::lock_guard<std::mutex> lock(sh.mu);
    ++sh.lookups;
    if (running_ == 0) {
      auto it = sh.lists.find(dir);
      if (it != sh.lists.end() && it->second.epoch == epoch_) {
        ++sh.hits;
        errno = it->second.err;
        return it->second.names;
      }
    }
    epoch = epoch_;
  }
  std::shared_ptr<const std::vector<std::string>> names = ReadDirectory(dir);
  const int err = names ? 0 : errno;
  {
    std::lock_guard<std::mutex> lock(sh.mu);
    if (running_ == 0 && epoch == epoch_) {
      ListEntry& e = sh.lists[dir];
      e.epoch = epoch;
      e.err = err;
      e.names = names;
    }
  }
  errno = err;
  return names;
}

void FsCache::ProcessStarted() {
  std::lock_guard<std::mutex> lock(state_mu_);
  ++running_;
  ++epoch_;
}

void FsCache::ProcessEnded() {
  std::lock_guard<std::mutex> lock(state_mu_);
  if (running_ > 0) --running_;
  ++epoch_;
}

void FsCache::Changed() {
  std::lock_guard<std::mutex> lock(state_mu_);
  ++epoch_;
}

uint64_t FsCache::Sum(uint64_t Shard::*counter) const {
  uint64_t n = 0;
  for (const Shard& sh : shards_) {
    std::lock_guard<std::mutex> lock(sh.mu);
    n += sh.*counter;
  }
  return n;
}

uint64_t FsCache::hits() const { return Sum(&Shard::hits); }

uint64_t FsCache::lookups() const { return Sum(&Shard::lookups); }

}  // namespace kbmake
