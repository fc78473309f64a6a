#include "kbmake/base/fs_cache.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>

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

int FsCache::Stat(const std::string& path, bool follow, struct stat* st) {
  uint64_t epoch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++lookups_;
    if (running_ == 0) {
      auto it = stats_[follow].find(path);
      if (it != stats_[follow].end() && it->second.epoch == epoch_) {
        ++hits_;
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
    std::lock_guard<std::mutex> lock(mu_);
    // Only an answer taken wholly inside the current, quiet epoch is kept.
    if (running_ == 0 && epoch == epoch_) {
      StatEntry& e = stats_[follow][path];
      e.epoch = epoch;
      e.err = err;
      if (rc == 0) e.st = *st;
    }
  }
  errno = err;
  return rc;
}

std::shared_ptr<const std::vector<std::string>> FsCache::List(const std::string& dir) {
  uint64_t epoch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++lookups_;
    if (running_ == 0) {
      auto it = lists_.find(dir);
      if (it != lists_.end() && it->second.epoch == epoch_) {
        ++hits_;
        errno = it->second.err;
        return it->second.names;
      }
    }
    epoch = epoch_;
  }
  std::shared_ptr<const std::vector<std::string>> names = ReadDirectory(dir);
  const int err = names ? 0 : errno;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_ == 0 && epoch == epoch_) {
      ListEntry& e = lists_[dir];
      e.epoch = epoch;
      e.err = err;
      e.names = names;
    }
  }
  errno = err;
  return names;
}

void FsCache::ProcessStarted() {
  std::lock_guard<std::mutex> lock(mu_);
  ++running_;
  ++epoch_;
}

void FsCache::ProcessEnded() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_ > 0) --running_;
  ++epoch_;
}

void FsCache::Changed() {
  std::lock_guard<std::mutex> lock(mu_);
  ++epoch_;
}

}  // namespace kbmake
