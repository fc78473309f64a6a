#include "kbmake/exec/build_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <vector>

#include "kbmake/exec/process.h"

namespace kbmake {
namespace {

constexpr std::string_view kHeader = "# kbmake build log v1\n";

void Escape(std::string_view in, std::string* out) {
  for (char c : in) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      default: out->push_back(c);
    }
  }
}

bool Unescape(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      out->push_back(in[i]);
      continue;
    }
    if (++i >= in.size()) return false;
    switch (in[i]) {
      case '\\': out->push_back('\\'); break;
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      default: return false;
    }
  }
  return true;
}

bool ParseInt(std::string_view s, int64_t* v) {
  if (s.empty() || s.size() > 19) return false;
  int64_t r = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    r = r * 10 + (c - '0');
  }
  *v = r;
  return true;
}

bool ParseHex(std::string_view s, uint64_t* v) {
  if (s.size() != 16) return false;
  uint64_t r = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    r = r << 4 | static_cast<uint64_t>(d);
  }
  *v = r;
  return true;
}

/// The records of `text` (complete lines only: a torn last line is ignored), the last of
/// each key winning. Returns the number of records read.
size_t ParseAll(std::string_view text, absl::flat_hash_map<std::string, BuildLog::Record>* out) {
  size_t n = 0, pos = 0;
  std::string key;
  BuildLog::Record rec;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) break;  // torn last line
    if (BuildLog::ParseLine(text.substr(pos, nl - pos), &key, &rec)) {
      (*out)[key] = std::move(rec);
      ++n;
    }
    pos = nl + 1;
  }
  return n;
}

bool ReadFile(int fd, std::string* text) {
  text->clear();
  if (lseek(fd, 0, SEEK_SET) < 0) return false;
  ReadToEnd(fd, text);
  return true;
}

}  // namespace

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool BuildLog::RunsNothing(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == '@' || line[i] == '-' || line[i] == '+' ||
                             line[i] == ' ' || line[i] == '\t' || line[i] == '\n')) {
    ++i;
  }
  size_t e = line.size();
  while (e > i && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\n')) --e;
  std::string_view rest = line.substr(i, e - i);
  return rest.empty() || rest == ":";
}

std::string BuildLog::RecordedCommand(const std::vector<std::string>& lines, const Record* prev) {
  std::vector<std::string_view> old;
  if (prev != nullptr && prev->has_command) {
    std::string_view c = prev->command;
    size_t pos = 0;
    while (true) {
      size_t sep = c.find(kLineSep, pos);
      old.push_back(c.substr(pos, sep == std::string_view::npos ? sep : sep - pos));
      if (sep == std::string_view::npos) break;
      pos = sep + 1;
    }
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += kLineSep;
    if (old.size() == lines.size() && RunsNothing(lines[i])) {
      out += old[i];
    } else {
      out += lines[i];
    }
  }
  return out;
}

uint64_t BuildLog::CommandHash(std::string_view command) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : command) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

bool BuildLog::ParseLine(std::string_view line, std::string* key, Record* rec) {
  if (line.empty() || line[0] == '#') return false;
  std::string_view f[5];
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    size_t tab = line.find('\t', pos);
    if (tab == std::string_view::npos) return false;
    f[i] = line.substr(pos, tab - pos);
    pos = tab + 1;
  }
  f[4] = line.substr(pos);
  if (f[4].find('\t') != std::string_view::npos) return false;
  if (!ParseInt(f[0], &rec->start_ms) || !ParseInt(f[1], &rec->end_ms) ||
      !ParseHex(f[2], &rec->hash) || f[3].empty() || !Unescape(f[3], key)) {
    return false;
  }
  if (f[4] == "-") {
    rec->has_command = false;
    rec->command.clear();
    return true;
  }
  if (f[4].empty() || f[4][0] != '=' || !Unescape(f[4].substr(1), &rec->command)) return false;
  rec->has_command = true;
  return true;
}

std::string BuildLog::FormatRecord(const std::string& key, const Record& r) {
  char head[64];
  snprintf(head, sizeof head, "%lld\t%lld\t%016llx\t", static_cast<long long>(r.start_ms),
           static_cast<long long>(r.end_ms), static_cast<unsigned long long>(r.hash));
  std::string line = head;
  Escape(key, &line);
  line += '\t';
  if (r.has_command) {
    line += '=';
    Escape(r.command, &line);
  } else {
    line += '-';
  }
  line += '\n';
  return line;
}

std::string BuildLog::FormatLine(const std::string& key, int64_t start_ms, int64_t end_ms,
                                 std::string_view command) {
  Record r;
  r.start_ms = start_ms;
  r.end_ms = end_ms;
  r.hash = CommandHash(command);
  r.has_command = command.size() <= kMaxCommand;
  if (r.has_command) r.command = command;
  return FormatRecord(key, r);
}

BuildLog::BuildLog(std::string path) : path_(std::move(path)) {}

BuildLog::~BuildLog() {
  if (fd_ >= 0) close(fd_);
}

bool BuildLog::OpenLocked() {
  if (fd_ >= 0) return true;
  // The first creator writes the header; everyone else appends.
  int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd >= 0) {
    WriteAll(fd, kHeader);
  } else if (errno == EEXIST) {
    fd = open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    // A torn last line (a writer killed mid-write) is ended first, so that it does not
    // swallow our first record. Racing another writer here costs at most an empty line.
    char last = '\n';
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0 &&
        pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
      WriteAll(fd, "\n");
    }
  }
  if (fd < 0) return false;
  fd_ = fd;
  return true;
}

void BuildLog::LoadLocked() {
  if (loaded_) return;
  loaded_ = true;
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  std::string text;
  ReadFile(fd, &text);
  close(fd);
  size_t n = ParseAll(text, &prev_);
  if (static_cast<int64_t>(text.size()) > kCompactBytes && n > 2 * prev_.size()) CompactLocked();
}

void BuildLog::CompactLocked() {
  int fd = open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {  // someone else compacts: leave it to them
    close(fd);
    return;
  }
  // Read again under the lock: records appended since the first read are kept.
  std::string text;
  absl::flat_hash_map<std::string, Record> all;
  ReadFile(fd, &text);
  ParseAll(text, &all);
  std::string out(kHeader);
  for (const auto& [key, r] : all) out += FormatRecord(key, r);
  std::string tmp = path_ + ".tmp" + std::to_string(getpid());
  int t = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  bool ok = t >= 0 && WriteAll(t, out);
  if (t >= 0 && close(t) != 0) ok = false;
  if (!ok || rename(tmp.c_str(), path_.c_str()) != 0) unlink(tmp.c_str());
  flock(fd, LOCK_UN);
  close(fd);
}

bool BuildLog::Previous(const std::string& key, Record* out) {
  std::lock_guard<std::mutex> lock(mu_);
  LoadLocked();
  auto it = prev_.find(key);
  if (it == prev_.end()) return false;
  *out = it->second;
  return true;
}

bool BuildLog::Append(const std::string& key, int64_t start_ms, int64_t end_ms,
                      std::string_view command) {
  std::string line = FormatLine(key, start_ms, end_ms, command);
  std::lock_guard<std::mutex> lock(mu_);
  LoadLocked();  // the previous build's records are read before this build adds any
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (!OpenLocked()) return false;
    // A shared lock keeps a compaction (exclusive) from replacing the file under the write;
    // if it was replaced since we opened it, append to the new one.
    flock(fd_, LOCK_SH);
    struct stat a, b;
    if (fstat(fd_, &a) == 0 && stat(path_.c_str(), &b) == 0 &&
        (a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
      flock(fd_, LOCK_UN);
      close(fd_);
      fd_ = -1;
      continue;
    }
    // One write(2) with O_APPEND: concurrent writers never interleave within a record.
    ssize_t n;
    do {
      n = write(fd_, line.data(), line.size());
    } while (n < 0 && errno == EINTR);
    int e = errno;
    flock(fd_, LOCK_UN);
    errno = e;
    return n == static_cast<ssize_t>(line.size());
  }
  return false;
}

BuildLog* BuildLogs::Get(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<BuildLog>& p = logs_[path];
  if (p == nullptr) p = std::make_unique<BuildLog>(path);
  return p.get();
}

}  // namespace kbmake
