// Stat results and directory listings shared by every make instance of one kbmake process
// (the build-wide file-system cache). A Linux null build asks for the same names hundreds of
// times: every object's .cmd file lists $(wildcard include/config/...) for the same options,
// and every directory's sub-make reads the same makefiles and headers.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace kbmake {

/// The entry names of directory `dir`, sorted ("." and ".." included), or null (errno set)
/// if it cannot be read.
std::shared_ptr<const std::vector<std::string>> ReadDirectory(const std::string& dir);

/// Exactness: an answer is reused only while nothing that could change the file system has
/// happened since it was taken. Every process this kbmake starts (recipe line, $(shell),
/// sub-make process) counts from just before it starts until it has been reaped, and while
/// any is running nothing is cached or reused; the start and the end of each, and every
/// change make itself makes (deleting a target, touching, $(file >), ...), end the current
/// epoch, and only answers of the current epoch are reused. So within an epoch the file
/// system seen by the build is unchanged, except by programs outside the build's control
/// (an editor, or a daemon a recipe left running): for those, a reused answer is what a
/// process would have seen had that outside write come a moment later, an interleaving GNU
/// make allows as well. See docs/INTERNALS.md.
class FsCache {
 public:
  /// stat() (follow) or lstat() of the absolute `path`: 0 and *st, or -1 with errno set.
  int Stat(const std::string& path, bool follow, struct stat* st);
  /// The entry names of the absolute directory `dir`, sorted ("." and ".." included), or
  /// null (errno set) if it cannot be read. The list is shared, never changed: every make
  /// instance that reads the directory in the same epoch gets the same one.
  std::shared_ptr<const std::vector<std::string>> List(const std::string& dir);
  /// A process of this build is about to start (until ProcessEnded: nothing is cached).
  void ProcessStarted();
  /// A process of this build has been reaped.
  void ProcessEnded();
  /// Make itself changed the file system (or may have).
  void Changed();
  /// Statistics for --debug and tests: answers reused, answers looked up.
  uint64_t hits() const;
  uint64_t lookups() const;

 private:
  struct StatEntry {
    uint64_t epoch;
    int err;  // 0 or errno
    struct stat st;
  };
  struct ListEntry {
    uint64_t epoch;
    int err;
    std::shared_ptr<const std::vector<std::string>> names;
  };
  // The answers, split by a hash of the name so that the threads of a build seldom wait for
  // each other's lookups; each shard has its own lock.
  struct Shard {
    mutable std::mutex mu;
    uint64_t hits = 0, lookups = 0;
    absl::flat_hash_map<std::string, StatEntry> stats[2];  // [follow]
    absl::flat_hash_map<std::string, ListEntry> lists;
  };
  static constexpr size_t kShards = 16;
  static constexpr size_t kFirstReserve = 256;  // stat answers a shard has room for at first
  Shard& ShardOf(const std::string& name);
  /// The sum of one counter over the shards.
  uint64_t Sum(uint64_t Shard::*counter) const;

  std::mutex state_mu_;  // serializes the changes of running_ and epoch_ below
  std::atomic<uint64_t> epoch_{1};
  std::atomic<int> running_{0};
  Shard shards_[kShards];
};

}  // namespace kbmake
