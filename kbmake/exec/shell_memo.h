// The $(shell)/!= memo: results of shell commands remembered across runs and reused only
// while everything the command's process tree observed is unchanged (docs/SHELL-MEMO.md).
#pragma once

#include <cstdint>
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
};

/// A remembered result and what it depended on.
struct ShellMemoEntry {
  std::string key;
  std::string out, err;
  int status = 0;
  int64_t last_used = 0;  // seconds since the epoch
  std::vector<PathFact> deps;
};

/// Encodes/decodes a whole memo file (versioned, checksummed). Decode returns false for a
/// damaged or foreign file; `entries` is then empty.
std::string EncodeShellMemo(const std::vector<const ShellMemoEntry*>& entries);
bool DecodeShellMemo(const std::string& bytes, std::vector<ShellMemoEntry>* entries);

/// The memo of one build: shared by every make instance of the process (thread-safe).
class ShellMemo {
 public:
  /// `file`: where the memo is kept; loaded on first use, written by Save().
  explicit ShellMemo(std::string file);
  ~ShellMemo();

  /// The memo file for a process started with `env` in the current directory:
  /// $XDG_CACHE_HOME/kbmake/shell-memo (or ~/.cache/...); "" if neither variable is set.
  static std::string DefaultFile(const std::vector<std::string>& env);

  /// Whether the memo is on for a make started with `env` and the command-line choice
  /// `option` (-1 none, 0 --no-shell-cache, 1 --shell-cache).
  static bool Enabled(const std::vector<std::string>& env, int option);

  /// Runs `call` as $(shell) does (stdout collected into *out, stderr shown), or replays a
  /// remembered result. Returns false when it could not run the command (the caller then
  /// runs it itself). *note says what happened (for --debug).
  bool Run(const ShellCall& call, ExecImage& image, std::string* out, int* status,
           std::string* note);

  /// Merges the memo into its file (write to a temporary file, then rename).
  void Save();

 private:
  std::string Key(const ShellCall& call);
  void LoadLocked();

  std::mutex mu_;
  std::string file_;
  bool loaded_ = false;
  bool dirty_ = false;
  std::string context_;  // key material that is the same for every call of the process
  absl::flat_hash_map<std::string, ShellMemoEntry> entries_;
  absl::flat_hash_set<std::string> dropped_;  // found stale: not merged back from the file
};

}  // namespace kbmake
