#include "kbmake/base/dircache.h"

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

const std::string& DirCache::AbsoluteInScratch(std::string_view name) const {
  thread_local std::string scratch;
  if (!name.empty() && name[0] == '/') {
    scratch.assign(name);
  } else if (name.empty()) {
    scratch = *cwd_;
  } else {
    const bool root = cwd_->size() == 1 && (*cwd_)[0] == '/';
    scratch.assign(root ? std::string_view() : std::string_view(*cwd_));
    scratch += '/';
    scratch.append(name);
  }
  return scratch;
}

void DirCache::Observe(std::string_view name, bool follow, int rc, const struct stat* st) const {
  const int err = errno;
  if (cwd_ == nullptr || name.empty()) {
    observer_->Unrecordable(name);
  } else {
    observer_->Stat(AbsoluteInScratch(name), follow, rc, err, st);
  }
  errno = err;
}

int DirCache::Lstat(std::string_view name, struct stat* st) const {
  int rc;
  if (fs_ == nullptr || cwd_ == nullptr || name.empty()) {
    rc = lstat(std::string(name).c_str(), st);
  } else {
    rc = fs_->Stat(AbsoluteInScratch(name), false, st);
  }
  if (observer_ != nullptr) Observe(name, false, rc, st);
  return rc;
}

int DirCache::Stat(std::string_view name, struct stat* st) const {
  int rc;
  if (fs_ == nullptr || cwd_ == nullptr || name.empty()) {
    rc = stat(std::string(name).c_str(), st);
  } else {
    rc = fs_->Stat(AbsoluteInScratch(name), true, st);
  }
  if (observer_ != nullptr) Observe(name, true, rc, st);
  return rc;
}

const std::vector<std::string>* DirCache::List(const std::string& dir) {
  auto it = dirs_.find(dir);
  if (it == dirs_.end()) {
    // This make's snapshot of the directory is taken once (GNU make's dir.c); the shared
    // cache only saves reading it again when nothing can have changed it.
    Entry e;
    if (fs_ != nullptr && cwd_ != nullptr) {
      e.names = fs_->List(AbsoluteInScratch(dir));
    } else {
      e.names = ReadDirectory(dir.empty() ? "." : dir);
    }
    if (observer_ != nullptr) {
      const int err = errno;
      if (cwd_ == nullptr) {
        observer_->Unrecordable(dir);
      } else {
        observer_->Listed(AbsoluteInScratch(dir), e.names != nullptr, err);
      }
      errno = err;
    }
    it = dirs_.emplace(dir, std::move(e)).first;
  }
  return it->second.names.get();
}

bool DirCache::Exists(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string_view p = path;
  const std::string_view dir = slash == std::string::npos ? "" : p.substr(0, slash == 0 ? 1 : slash);
  const std::string_view base = slash == std::string::npos ? p : p.substr(slash + 1);
  auto it = dirs_.find(absl::string_view(dir.data(), dir.size()));
  const std::vector<std::string>* names =
      it != dirs_.end() ? it->second.names.get() : List(std::string(dir));
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
      // glibc takes "X/" apart only when the part before the last slash is longer than one
      // character; for a one-character name and slashes ("a/", "d//") it returns the pattern
      // if the name is a directory (stat: a link to one too), else nothing.
      if (name.find_last_not_of('/') == 0) {
        if (Stat(name.substr(0, 1), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(name);
        return out;
      }
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
