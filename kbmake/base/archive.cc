// Unix ar archives (the System V / GNU format written by binutils' ar, and BSD "#1/len"
// long names), read the way GNU make's arscan.c reads them.
#include "kbmake/base/archive.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "kbmake/base/strutil.h"

namespace kbmake {
namespace {

constexpr char kArMagic[] = "!<arch>\n";
constexpr size_t kArMagicLen = 8;
constexpr size_t kHeaderSize = 60;
constexpr size_t kNameField = 16;
constexpr size_t kDateOffset = 16;
constexpr size_t kDateField = 12;
constexpr size_t kSizeOffset = 48;
constexpr size_t kSizeField = 10;

struct Member {
  std::string name;
  bool truncated;  // a name from the 16-byte header field, not from a long-name table
  long hdrpos;
  time_t date;
};

std::string Field(const char* hdr, size_t off, size_t len) {
  std::string s(hdr + off, len);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

bool ReadAt(int fd, long pos, char* buf, size_t n) {
  ssize_t r = pread(fd, buf, n, pos);
  return r == static_cast<ssize_t>(n);
}

/// Calls `fn` for each member until it returns true. Returns the header position of that
/// member, 0 if none, or a negative ArScanStatus.
long Scan(const std::string& archive, const std::function<bool(const Member&)>& fn) {
  int fd = open(archive.c_str(), O_RDONLY);
  if (fd < 0) return kArNoArchive;
  char magic[kArMagicLen];
  if (!ReadAt(fd, 0, magic, kArMagicLen) || memcmp(magic, kArMagic, kArMagicLen) != 0) {
    close(fd);
    return kArNotArchive;
  }
  std::string longnames;
  long pos = kArMagicLen;
  long result = 0;
  while (true) {
    char hdr[kHeaderSize];
    ssize_t r = pread(fd, hdr, kHeaderSize, pos);
    if (r == 0) break;
    if (r != static_cast<ssize_t>(kHeaderSize) || hdr[58] != '`' || hdr[59] != '\n') {
      result = kArNotArchive;
      break;
    }
    std::string sizestr = Field(hdr, kSizeOffset, kSizeField);
    char* end = nullptr;
    long size = strtol(sizestr.c_str(), &end, 10);
    if (sizestr.empty() || *end != '\0' || size < 0) {
      result = kArNotArchive;
      break;
    }
    long data = pos + static_cast<long>(kHeaderSize);
    std::string raw = Field(hdr, 0, kNameField);
    Member m;
    m.hdrpos = pos;
    m.truncated = true;
    m.date = static_cast<time_t>(strtol(Field(hdr, kDateOffset, kDateField).c_str(), nullptr, 10));
    bool skip = false;
    if (raw == "/" || raw == "/SYM64/" || raw == "__.SYMDEF" || raw == "__.SYMDEF SORTED") {
      skip = true;
    } else if (raw == "//" || raw == "ARFILENAMES/") {
      longnames.resize(size);
      if (size > 0 && !ReadAt(fd, data, longnames.data(), size)) {
        result = kArNotArchive;
        break;
      }
      skip = true;
    } else if (raw.size() > 1 && raw[0] == '/' && isdigit(static_cast<unsigned char>(raw[1]))) {
      size_t off = strtoul(raw.c_str() + 1, nullptr, 10);
      if (off >= longnames.size()) {
        result = kArNotArchive;
        break;
      }
      size_t e = longnames.find_first_of("/\n", off);
      m.name = longnames.substr(off, e == std::string::npos ? std::string::npos : e - off);
      m.truncated = false;
    } else if (raw.compare(0, 3, "#1/") == 0) {
      long n = strtol(raw.c_str() + 3, nullptr, 10);
      if (n < 0 || n > size) {
        result = kArNotArchive;
        break;
      }
      m.name.resize(n);
      if (n > 0 && !ReadAt(fd, data, m.name.data(), n)) {
        result = kArNotArchive;
        break;
      }
      m.name.resize(strnlen(m.name.c_str(), n));
      m.truncated = false;
    } else {
      m.name = raw;
      if (!m.name.empty() && m.name.back() == '/') m.name.pop_back();
    }
    if (!skip && fn(m)) {
      result = pos;
      break;
    }
    pos = data + size + (size & 1);
  }
  close(fd);
  return result;
}

/// GNU make's ar_name_equal: `name` (a member as written in the makefile) is compared by its
/// last path component; a name read from the fixed-width header field may be truncated.
bool NameEqual(const std::string& name, const Member& m) {
  size_t slash = name.rfind('/');
  const char* n = name.c_str() + (slash == std::string::npos ? 0 : slash + 1);
  if (m.truncated) return strncmp(n, m.name.c_str(), kNameField - 1) == 0;
  return m.name == n;
}

}  // namespace

bool ArchiveGroupWord(std::string_view text, size_t next, bool stop_at_pipe,
                      std::string* prefix, std::string* word) {
  if (prefix->empty() && (*word)[0] != '(' && word->back() != ')') {
    size_t paren = word->find('(');
    if (paren != std::string::npos) {
      // "lib(a" starts an archive group only if a later word ends with ')'.
      size_t e = next;
      while (true) {
        size_t o = e;
        while (e < text.size() && IsSpace(text[e])) ++e;
        while (e < text.size() && !IsSpace(text[e]) && !(stop_at_pipe && text[e] == '|')) ++e;
        if (e == o) break;
        if (text[e - 1] == ')') {
          *prefix = word->substr(0, paren + 1);
          word->erase(0, paren + 1);
          break;
        }
        if (e >= text.size()) break;
      }
      if (word->empty()) return false;  // "lib( a b)"
    }
  }
  if (!prefix->empty()) {
    if (word->back() == ')') {
      bool bare = word->size() == 1;  // "lib(a b )"
      *word = *prefix + *word;
      prefix->clear();
      if (bare) return false;
    } else {
      *word = *prefix + *word + ")";
    }
  }
  return true;
}

bool ArName(std::string_view name) {
  size_t p = name.find('(');
  if (p == std::string_view::npos || p == 0) return false;
  if (name.back() != ')' || name.size() - 1 == p + 1) return false;
  return true;
}

void ArParseName(std::string_view name, std::string* archive, std::string* member) {
  size_t p = name.find('(');
  *archive = std::string(name.substr(0, p));
  *member = std::string(name.substr(p + 1, name.size() - p - 2));
}

time_t ArMemberDate(const std::string& archive, const std::string& member) {
  time_t date = 0;
  long r = Scan(archive, [&](const Member& m) {
    if (!NameEqual(member, m)) return false;
    date = m.date;
    return true;
  });
  // As in GNU make, a member dated 0 (deterministic ar) counts as missing.
  if (r <= 0 || date <= 0) return static_cast<time_t>(-1);
  return date;
}

int ArMemberTouch(const std::string& archive, const std::string& member) {
  long pos = Scan(archive, [&](const Member& m) { return NameEqual(member, m); });
  if (pos < 0) return static_cast<int>(pos);
  if (pos == 0) return 1;
  int fd = open(archive.c_str(), O_RDWR);
  if (fd < 0) return kArIoError;
  // As GNU make 4.3's ar_member_touch: the member's date becomes the archive's time before
  // this change (its header is read, the archive stat'ed, the header written back once).
  char hdr[kHeaderSize];
  struct stat st;
  bool ok = ReadAt(fd, pos, hdr, kHeaderSize) && fstat(fd, &st) == 0;
  if (ok) {
    char date[kDateField + 1];
    snprintf(date, sizeof date, "%-12lu", static_cast<unsigned long>(st.st_mtime));
    memcpy(hdr + kDateOffset, date, kDateField);
    ok = pwrite(fd, hdr, kHeaderSize, pos) == static_cast<ssize_t>(kHeaderSize);
  }
  close(fd);
  return ok ? 0 : static_cast<int>(kArIoError);
}

std::vector<std::string> ArGlob(const std::string& archive, const std::string& pattern) {
  std::vector<std::string> out;
  if (pattern.find_first_of("*?[") == std::string::npos) return out;
  Scan(archive, [&](const Member& m) {
    if (fnmatch(pattern.c_str(), m.name.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) {
      out.push_back(archive + "(" + m.name + ")");
    }
    return false;
  });
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace kbmake
