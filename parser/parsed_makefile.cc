#include "parser/parsed_makefile.h"

#include <algorithm>
#include <cstring>

#include "parser/lines.h"

namespace kbmake {

void AnalyzeLine(LogicalLine* line, bool posix) {
  line->text = line->raw;
  CollapseContinuations(&line->text, posix);
  RemoveComments(&line->text);
  line->assign_at = ParseVarAssignment(line->text, &line->vm, &line->def);
}

std::string ApplyNulRules(std::string_view text, std::vector<long>* warning_lines) {
  std::string out;
  out.reserve(text.size());
  size_t size = 200;  // GNU make's ebuf.size: kept from line to line, doubled when short
  size_t pos = 0;
  long newlines = 0;
  while (pos < text.size()) {
    // One readline(): pieces are appended at `off` in a buffer of `size` bytes.
    size_t off = 0;
    const size_t line_start = out.size();
    while (pos < text.size()) {
      // fgets(p, size - off): at most size - off - 1 bytes, through the first newline.
      const size_t cap = size - off - 1;
      const void* nl = memchr(text.data() + pos, '\n', std::min(cap, text.size() - pos));
      const size_t got = nl != nullptr ? static_cast<const char*>(nl) - (text.data() + pos) + 1
                                       : std::min(cap, text.size() - pos);
      std::string_view piece = text.substr(pos, got);
      pos += got;
      const size_t len = std::min(piece.find('\0'), piece.size());  // strlen()
      if (len == 0) {
        // The piece starts with a NUL: GNU make warns and puts a newline there.
        warning_lines->push_back(newlines + 1);
        out.push_back('\n');
        off += 1;
      } else {
        out.append(piece.data(), len);
        off += len;
      }
      if (out.back() != '\n') {  // no newline yet: a larger buffer, and read on
        size *= 2;
        continue;
      }
      ++newlines;
      if (off > 1 && out[out.size() - 2] == '\r') {  // CRLF: the CR goes
        out.erase(out.size() - 2, 1);
        --off;
      }
      bool backslash = false;
      for (size_t i = out.size() - 1; i-- > line_start && out[i] == '\\';) backslash = !backslash;
      if (!backslash) break;  // the logical line is complete
      if (size - off < 80) size *= 2;
    }
  }
  return out;
}

std::shared_ptr<const ParsedMakefile> ParseMakefile(std::string_view text) {
  auto p = std::make_shared<ParsedMakefile>();
  p->bytes = text.size();
  std::string without_nul;
  std::vector<long> warnings;
  if (memchr(text.data(), '\0', text.size()) != nullptr) {
    without_nul = ApplyNulRules(text, &warnings);
    text = without_nul;
  }
  LineReader reader(text);
  LogicalLine line;
  long first = 1;  // the line `line` starts on
  size_t w = 0;
  while (reader.Next(&line.raw, &line.nlines)) {
    AnalyzeLine(&line);
    for (; w < warnings.size() && warnings[w] < first + line.nlines; ++w) ++line.nul_warnings;
    first += line.nlines;
    p->lines.push_back(std::move(line));
    line = LogicalLine();
  }
  return p;
}

ParseCache::Key ParseCache::KeyOf(const struct stat& st) {
  return Key{st.st_dev, st.st_ino, st.st_size,
             static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
             static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec};
}

std::shared_ptr<const ParsedMakefile> ParseCache::Find(const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  ++lookups_;
  auto it = parses_.find(KeyOf(st));
  if (it == parses_.end()) return nullptr;
  ++hits_;
  return it->second;
}

void ParseCache::Offer(const struct stat& before, const struct stat& after,
                       int64_t read_started_ns, std::shared_ptr<const ParsedMakefile> parsed) {
  if (!S_ISREG(before.st_mode) || parsed == nullptr) return;
  Key k = KeyOf(before);
  if (!(KeyOf(after) == k) || static_cast<off_t>(parsed->bytes) != before.st_size) return;
  if (k.ctime_ns > read_started_ns - 100000000LL) return;
  // Whole-second change times (ext3, NFSv2, ...): a change within the same second would not
  // show. Only ctime tells the file system's granularity: the kernel sets it on every change,
  // while mtime is whatever tar, cp -p or touch -d set (whole seconds for a tar extraction).
  if (before.st_ctim.tv_nsec == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (parses_.count(k)) return;
  if (offered_once_.insert(k).second) return;  // first reading: remember that it happened
  if (bytes_ + parsed->bytes > kMaxBytes) return;
  bytes_ += parsed->bytes;
  parses_.emplace(k, std::move(parsed));
}

uint64_t ParseCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

uint64_t ParseCache::lookups() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lookups_;
}

}  // namespace kbmake
