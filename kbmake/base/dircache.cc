#include "kbmake/base/dircache.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>

namespace kbmake {
namespace {

bool HasMagic(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      continue;
    }
    if (s[i] == '*' || s[i] == '?' || s[i] == '[') return true;
  }
  return false;
}

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out.push_back(s[i]);
  }
  return out;
}

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

}  // namespace

std::string DirCache::Absolute(const std::string& name) const {
  if (!name.empty() && name[0] == '/') return name;
  if (name.empty()) return *cwd_;
  return *cwd_ == "/" ? "/" + name : *cwd_ + "/" + name;
}

int DirCache::Lstat(const std::string& name, struct stat* st) const {
  if (fs_ == nullptr || cwd_ == nullptr || name.empty()) return lstat(name.c_str(), st);
  return fs_->Stat(Absolute(name), false, st);
}

int DirCache::Stat(const std::string& name, struct stat* st) const {
  if (fs_ == nullptr || cwd_ == nullptr || name.empty()) return stat(name.c_str(), st);
  return fs_->Stat(Absolute(name), true, st);
}

const std::vector<std::string>* DirCache::List(const std::string& dir) {
  auto it = dirs_.find(dir);
  if (it == dirs_.end()) {
    // This make's snapshot of the directory is taken once (GNU make's dir.c); the shared
    // cache only saves reading it again when nothing can have changed it.
    Entry e;
    if (fs_ != nullptr && cwd_ != nullptr) {
      e.ok = fs_->List(Absolute(dir), &e.names);
    } else if (DIR* d = opendir(dir.empty() ? "." : dir.c_str())) {
      e.ok = true;
      while (struct dirent* de = readdir(d)) e.names.emplace_back(de->d_name);
      closedir(d);
    }
    std::sort(e.names.begin(), e.names.end());
    it = dirs_.emplace(dir, std::move(e)).first;
  }
  return it->second.ok ? &it->second.names : nullptr;
}

bool DirCache::Exists(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash == 0 ? 1 : slash);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::vector<std::string>* names = List(dir);
  if (names == nullptr) return false;
  if (base.empty()) return true;
  return std::binary_search(names->begin(), names->end(), base);
}

std::vector<std::string> DirCache::Glob(const std::string& pattern) {
  std::vector<std::string> out;
  if (!HasMagic(pattern)) {
    // Like glob(3), a pattern without wildcards is checked with stat, not the snapshot.
    std::string name = Unescape(pattern);
    struct stat st;
    // glibc's glob("X/") is glob("X", GLOB_MARK): X if it exists, with the slash only if it
    // is a directory (GNU make: $(wildcard file/) is "file").
    if (name.size() > 1 && name.back() == '/') {
      std::string base = name.substr(0, name.size() - 1);
      if (base.back() == '/') return Glob(base);
      if (Lstat(base, &st) != 0) return out;
      const bool dir = Stat(base, &st) == 0 && S_ISDIR(st.st_mode);  // a link to a dir too
      out.push_back(dir ? name : base);
      return out;
    }
    if (Lstat(name, &st) == 0) out.push_back(name);
    return out;
  }
  bool dirs_only = pattern.size() > 1 && pattern.back() == '/';
  std::vector<std::string> comps;
  size_t i = 0;
  std::string prefix;
  if (!pattern.empty() && pattern[0] == '/') {
    prefix = "/";
    i = 1;
  }
  while (i < pattern.size()) {
    size_t j = pattern.find('/', i);
    if (j == std::string::npos) j = pattern.size();
    if (j > i) comps.push_back(pattern.substr(i, j - i));
    i = j + 1;
  }
  std::vector<std::string> cur{prefix};
  for (size_t c = 0; c < comps.size(); ++c) {
    std::vector<std::string> next;
    bool last = c + 1 == comps.size();
    if (!HasMagic(comps[c])) {
      std::string lit = Unescape(comps[c]);
      for (const std::string& r : cur) next.push_back(Join(r, lit));
      if (last) {
        std::vector<std::string> kept;
        for (const std::string& n : next) {
          struct stat st;
          if (Lstat(n, &st) == 0) kept.push_back(n);
        }
        next.swap(kept);
      }
    } else {
      for (const std::string& r : cur) {
        const std::vector<std::string>* names = List(r);
        if (names == nullptr) continue;
        for (const std::string& n : *names) {
          if (n == "." || n == "..") {
            if (comps[c][0] != '.') continue;
          }
          if (fnmatch(comps[c].c_str(), n.c_str(), FNM_PERIOD) != 0) continue;
          std::string full = Join(r, n);
          if (!last || dirs_only) {
            struct stat st;
            if (Stat(full, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
          }
          next.push_back(full);
        }
      }
    }
    cur.swap(next);
  }
  if (dirs_only)
    for (std::string& r : cur) r.push_back('/');
  std::sort(cur.begin(), cur.end());
  return cur;
}

}  // namespace kbmake
