#include "parser/parsed_makefile.h"

#include "parser/lines.h"

namespace kbmake {

void AnalyzeLine(LogicalLine* line) {
  line->text = line->raw;
  CollapseContinuations(&line->text);
  RemoveComments(&line->text);
  line->assign_at = ParseVarAssignment(line->text, &line->vm, &line->def);
}

std::shared_ptr<const ParsedMakefile> ParseMakefile(std::string_view text) {
  auto p = std::make_shared<ParsedMakefile>();
  p->bytes = text.size();
  LineReader reader(text);
  LogicalLine line;
  while (reader.Next(&line.raw, &line.nlines)) {
    AnalyzeLine(&line);
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
