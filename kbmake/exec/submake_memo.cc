#include "kbmake/exec/submake_memo.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kbmake/base/bytes.h"
#include "kbmake/exec/shell_memo.h"
#include "kbmake/exec/submake.h"

namespace kbmake {
namespace {

int64_t RealtimeNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// Timestamps move by clock ticks: a file changed less than this before it was looked at
// could change again without its ctime moving (as the $(shell) memo's "racy" rule).
constexpr int64_t kRacyNs = 100000000LL;

}  // namespace

SubmakeFacts::SubmakeFacts(FsCache* fs) : fs_(fs), start_ns_(RealtimeNs()) {}

void SubmakeFacts::Add(PathFact f) {
  // make compares the times of directories that are targets or prerequisites: a directory
  // counts with its times, as one that was listed.
  if (f.err == 0 && S_ISDIR(f.mode)) f.listed = true;
  Put(std::move(f), " changed while the sub-make ran");
}

void SubmakeFacts::Put(PathFact f, std::string_view conflict) {
  if (refused()) return;
  auto [it, fresh] = facts_.try_emplace(std::make_pair(f.path, f.follow), f);
  if (fresh) return;
  PathFact& have = it->second;
  bool same;
  if (have.err != 0 || f.err != 0 || !S_ISDIR(have.mode) || have.listed == f.listed) {
    same = SameState(have, f);
  } else {
    // A directory known by identity only (a $(shell) hit's fact) and the same directory
    // with its times: the same directory, and the stricter fact is kept.
    same = have.dev == f.dev && have.ino == f.ino && have.mode == f.mode;
    if (same && f.listed) have = std::move(f);
  }
  if (!same) Refuse(it->first.first + std::string(conflict));
}

void SubmakeFacts::Stat(const std::string& path, bool follow, int rc, int err,
                        const struct stat* st) {
  if (refused()) return;
  if (rc != 0 && err != ENOENT && err != ENOTDIR) {
    Refuse("a stat of " + path + " failed: " + strerror(err));
    return;
  }
  Add(FactFromStat(path, follow, rc, err, st));
}

void SubmakeFacts::Listed(const std::string& path, bool ok, int err) {
  if (refused()) return;
  if (!ok) {
    if (err != ENOENT && err != ENOTDIR) {
      Refuse("cannot list " + path + ": " + strerror(err));
      return;
    }
    Add(FactFromStat(path, true, -1, err, nullptr));
    return;
  }
  // The listing's content is known by the directory's identity and times, taken through the
  // stat cache the listing came from (so in the same quiet epoch).
  Add(ObservePath(path, true, fs_));
}

void SubmakeFacts::Unrecordable(std::string_view what) {
  Refuse("looked at '" + std::string(what) + "' without a directory");
}

void SubmakeFacts::Opened(const std::string& abs_path, int fd, int err) {
  if (refused()) return;
  if (fd < 0) {
    if (err != ENOENT && err != ENOTDIR) {
      Refuse("cannot open " + abs_path + ": " + strerror(err));
      return;
    }
    Add(FactFromStat(abs_path, true, -1, err, nullptr));
    return;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    Refuse("read " + abs_path + ", not a regular file");
    return;
  }
  // The makefile's text is known by its identity (the parse cache's rule too).
  Put(FactFromStat(abs_path, true, 0, 0, &st), " changed while the sub-make ran");
}

void SubmakeFacts::Refuse(std::string_view why) {
  if (refusal_.empty()) refusal_ = std::string(why);
}

void SubmakeFacts::Merge(const std::vector<PathFact>& facts) {
  for (const PathFact& f : facts) Put(f, " looked different to a sub-make");
}

bool SubmakeFacts::Finish(std::vector<PathFact>* out) {
  out->clear();
  if (refused()) return false;
  out->reserve(facts_.size());
  for (auto& [key, f] : facts_) {
    if (f.err == 0 && !S_ISCHR(f.mode) && !S_ISBLK(f.mode) &&
        (f.ctime_ns > start_ns_ - kRacyNs || f.mtime_ns > start_ns_)) {
      Refuse(f.path + " changed too recently");
      out->clear();
      return false;
    }
    out->push_back(f);
  }
  return true;
}

std::string SubmakeKey(const Invocation& inv, const std::string& cwd) {
  ByteWriter w;
  w.Str("submake-v1");
  w.U64(inv.argv.size());
  for (const std::string& a : inv.argv) w.Str(a);
  w.U64(inv.env.size());
  for (const std::string& e : inv.env) w.Str(e);
  w.Str(cwd);
  w.U64(inv.stdout_closed ? 1 : 0);
  // Whether output goes to a terminal decides MAKE_TERMOUT and MAKE_TERMERR; the kinds of
  // stdin and stderr are part of every $(shell) memo key (a replayed sub-make's $(shell)
  // calls would have had them).
  w.U64(isatty(inv.out_fd) ? 1 : 0);
  w.Str(ShellMemo::DescribeStreams(inv.in_fd, inv.err_fd));
  return std::move(w.bytes());
}

}  // namespace kbmake
