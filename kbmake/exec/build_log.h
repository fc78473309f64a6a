// The build log (--build-log, --explain; docs/BUILD-LOG.md): one text line per recipe that
// ran to success, with its start, end, a hash of the expanded command and the command itself,
// appended to a file that outlives the build (like ninja's .ninja_log). --explain reads the
// previous run's command from it to say how a command changed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace kbmake {

/// One build log file. Thread-safe: the make instances of a process share one object per
/// file (BuildLogs); other processes append to the same file with O_APPEND, one write(2) per
/// record, so records never interleave.
class BuildLog {
 public:
  /// What a previous run recorded for a target.
  struct Record {
    int64_t start_ms = 0, end_ms = 0;  // wall clock (ms since the epoch)
    uint64_t hash = 0;                 // CommandHash of the whole expanded recipe
    bool has_command = false;          // false when the command was too long to store
    std::string command;
  };
  /// Commands longer than this are logged by hash only.
  static constexpr size_t kMaxCommand = 64 * 1024;
  /// A log that is larger than this and holds more than twice as many records as targets is
  /// compacted (rewritten with the last record of each target) when it is first read.
  static constexpr int64_t kCompactBytes = 4 * 1024 * 1024;

  explicit BuildLog(std::string path);
  ~BuildLog();
  BuildLog(const BuildLog&) = delete;
  BuildLog& operator=(const BuildLog&) = delete;
  const std::string& path() const { return path_; }

  /// The last record of `key` written before this object first read the file (records
  /// appended during this build are not seen, so a command is compared with the previous
  /// build's). False if there is none.
  bool Previous(const std::string& key, Record* out);
  /// Appends one record (start and end in ms since the epoch). Creates the file (and a
  /// header line) if needed. Returns false with errno set if the file cannot be written.
  bool Append(const std::string& key, int64_t start_ms, int64_t end_ms,
              std::string_view command);

  /// The command a record keeps for a recipe whose expanded lines are `lines`: the lines
  /// joined by kLineSep, where a line that runs nothing (empty or a lone ':' after its @-+
  /// prefixes: Kbuild's if_changed when nothing changed) keeps the text it had in `prev`, the
  /// last run's record (when that had as many lines). So a record holds the last version of
  /// each line that ran, and a recipe that skipped its real work compares equal.
  static std::string RecordedCommand(const std::vector<std::string>& lines, const Record* prev);
  /// Separates recipe lines in a recorded command (a recipe line may hold newlines itself).
  static constexpr char kLineSep = '\x1e';
  /// True if an expanded recipe line runs nothing.
  static bool RunsNothing(std::string_view line);

  /// 64-bit FNV-1a of `command`: stable across runs and hosts (logged as 16 hex digits).
  static uint64_t CommandHash(std::string_view command);
  /// Parses one line of the log (without its newline) into `key` and `rec`; false for a
  /// header, a torn or otherwise malformed line.
  static bool ParseLine(std::string_view line, std::string* key, Record* rec);
  /// The line (with its newline) that records `key`.
  static std::string FormatLine(const std::string& key, int64_t start_ms, int64_t end_ms,
                                std::string_view command);
  /// The line (with its newline) of an existing record.
  static std::string FormatRecord(const std::string& key, const Record& r);

 private:
  void LoadLocked();
  /// Rewrites the file with the last record of each target (under an exclusive flock; the
  /// appenders take a shared one and reopen the file if it was replaced).
  void CompactLocked();
  bool OpenLocked();

  std::string path_;
  std::mutex mu_;
  bool loaded_ = false;
  int fd_ = -1;
  absl::flat_hash_map<std::string, Record> prev_;
};

/// The build-wide set of logs: one BuildLog per file, shared by the make instances of the
/// process (reached through the Build, kbmake/build.h).
class BuildLogs {
 public:
  /// The log stored at `path` (absolute), opened on first use.
  BuildLog* Get(const std::string& path);

 private:
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<BuildLog>> logs_;
};

/// Milliseconds since the epoch (the log's clock).
int64_t WallMillis();

}  // namespace kbmake
