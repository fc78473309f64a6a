// The $(shell)/!= memo: results of shell commands remembered across runs and reused only
// while everything the command's process tree observed is unchanged (docs/SHELL-MEMO.md).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "kbmake/exec/process.h"
#include "kbmake/exec/trace.h"

namespace kbmake {

/// One $(shell) call as make is about to run it.
struct ShellCall {
  std::vector<std::string> argv;  // the command as executed (shell, flags, text)
  std::vector<std::string> env;   // the environment the command receives
  std::string shell, shellflags;  // $(SHELL), $(.SHELLFLAGS)
  std::string prefix;             // make's message prefix (exec failure messages)
  std::string cwd;                // where it runs; empty: the process's working directory
  int in_fd = 0, err_fd = 2;      // the make instance's stdin and stderr (the command's 0, 2)
};

/// A remembered result and what it depended on.
struct ShellMemoEntry {
  std::string key;
  std::string out, err;
  int status = 0;
  int64_t last_used = 0;  // seconds since the epoch
  std::vector<PathFact> deps;
};

/// An entry of a loaded memo file, not decoded yet: where its bytes are in the file, when it
/// was last used, and its bytes' checksum.
struct ShellMemoSlot {
  size_t offset = 0, size = 0;
  int64_t last_used = 0;
  uint64_t sum = 0;
};

/// The memo file format's version (a file of another version is ignored).
constexpr uint64_t kShellMemoVersion = 4;

/// Encodes/decodes a whole memo file (versioned; its index and each entry checksummed).
/// Decode returns false for a damaged or foreign file; `entries` is then empty. `version`
/// is for tests (a file of a foreign version).
std::string EncodeShellMemo(const std::vector<const ShellMemoEntry*>& entries,
                            uint64_t version = kShellMemoVersion);
bool DecodeShellMemo(const std::string& bytes, std::vector<ShellMemoEntry>* entries);

/// The memo of one build: shared by every make instance of the process (thread-safe).
class ShellMemo {
 public:
  /// `dir`: where the memo is kept (one file per working directory); loaded on first use,
  /// written by Save(). Empty: nothing is read or written.
  explicit ShellMemo(std::string dir);
  ~ShellMemo();

  /// What a command's key says of make's stdin and stderr (their kinds, not their data).
  static std::string DescribeStreams(int in_fd, int err_fd);
  /// The memo directory for a process started with `env`: $XDG_CACHE_HOME/kbmake/shell-memo
  /// (or ~/.cache/...); "" if neither variable is set.
  static std::string DefaultDir(const std::vector<std::string>& env);
  /// The file in `dir` holding the entries of commands run in `cwd`.
  static std::string ShardFile(const std::string& dir, const std::string& cwd);

  /// Whether the memo is on for a make started with `env` and the command-line choice
  /// `option` (-1 none, 0 --no-shell-cache, 1 --shell-cache): 1 on, 0 off, -1 neither says
  /// (an in-process sub-make then follows the make that ran it).
  static int Enabled(const std::vector<std::string>& env, int option);

  /// Replays a remembered result of `call` if everything it depended on is unchanged: true,
  /// with *out and *status, its stderr bytes written to call.err_fd (*wrote_err: whether
  /// there were any), *note "hit" and, if `deps` is given, what it depended on. Otherwise false and *note says why ("miss", or
  /// "miss (PATH changed)"). Starts no process; with a stat cache (set_fs_cache) it checks
  /// the dependencies through it.
  bool Replay(const ShellCall& call, std::string* out, int* status, std::string* note,
              bool* wrote_err, std::vector<PathFact>* deps = nullptr);
  /// Runs `call` as $(shell) does (stdout collected into *out, stderr shown), traced, and
  /// remembers the result if it may (after Replay missed: *note, Replay's reason, is
  /// extended with what became of the result, for --debug). Returns false when it could not
  /// run the command (the caller then runs it itself).
  bool RunAndRemember(const ShellCall& call, ExecImage& image, std::string* out, int* status,
                      std::string* note);
  /// Replay, else RunAndRemember.
  bool Run(const ShellCall& call, ExecImage& image, std::string* out, int* status,
           std::string* note);
  /// The build's stat cache, for checking the dependencies of a remembered result (null:
  /// none). Set before the memo is shared.
  void set_fs_cache(FsCache* fs) { fs_ = fs; }
  /// That stat cache (null: none).
  FsCache* fs_cache() const { return fs_; }

  /// Entries that are only facts (the sub-make memo, exec/submake_memo.h) share the memo's
  /// files. FindFacts: the facts remembered for `key` in `cwd`, if every one of them still
  /// holds (and none has a time in the future): true with *facts. Otherwise false (a stale
  /// entry is dropped), *note saying why. Starts no process.
  bool FindFacts(const std::string& key, const std::string& cwd, std::vector<PathFact>* facts,
                 std::string* note);
  /// Remembers `facts` for `key` in `cwd`; false if the entry would be too large.
  bool RememberFacts(const std::string& key, const std::string& cwd,
                     std::vector<PathFact> facts);

  /// Merges what changed into the memo's files (each written to a temporary file, then
  /// renamed over) and drops the files of the least recently built directories beyond 64.
  void Save();

 private:
  /// The entries of one working directory. Only a file's index is loaded; an entry is read
  /// (and its checksum and key checked) only when a command asks for it: a Linux tree's file
  /// holds up to 16 MiB of entries of earlier configurations, and a build uses about 140.
  struct Shard {
    bool loaded = false;
    bool dirty = false;
    int fd = -1;  // the loaded file, kept open to read entries from (-1: none)
    absl::flat_hash_map<uint64_t, ShellMemoSlot> stored;  // by key hash; in `fd`, not read yet
    absl::flat_hash_map<std::string, ShellMemoEntry> entries;  // decoded, or new
    absl::flat_hash_set<uint64_t> dropped;  // key hashes found stale: not merged back
  };
  std::string Key(const ShellCall& call, std::string* cwd);
  std::string FactsKey(const std::string& key) const;
  /// Adds or replaces the entry `e` in the file of `cwd` (it will be saved).
  void Insert(const std::string& cwd, ShellMemoEntry e);
  /// The first of `deps` that no longer holds (null: none), looked at through the stat cache.
  const PathFact* FirstChanged(const std::vector<PathFact>& deps);
  Shard& ShardLocked(const std::string& cwd);
  /// The entry of `key` (decoding it from the file if needed), or null; a damaged entry is
  /// dropped.
  ShellMemoEntry* FindLocked(Shard& sh, const std::string& key);
  void PruneShards();

  std::mutex mu_;
  FsCache* fs_ = nullptr;
  std::string dir_;
  std::string context_;  // key material that is the same for every call of the process
  std::map<std::string, Shard> shards_;  // by file name (references stay valid)
};

}  // namespace kbmake
