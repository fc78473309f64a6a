// --compdb=FILE: compile_commands.json for every compiler run the build's recipes start (or,
// with -n, would start), found by reading the recipe's shell line (docs/INTERNALS.md,
// "Compile database"). Build-wide: in-process sub-makes share the process's object, sub-make
// processes append to the same spool through KBMAKE_COMPDB in their environment.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kbmake {

/// One compile found in a shell line.
struct CompileEntry {
  std::string directory;               /// absolute directory the compiler runs in
  std::string file;                    /// the source file, as written
  std::string output;                  /// the -o argument, or ""
  std::vector<std::string> arguments;  /// argv, when every word is fixed text
  std::string command;                 /// else: the command's shell text
};

/// True if `program` (a path or name) names a C/C++ compiler driver: its basename is gcc,
/// cc, clang, g++, c++ or clang++, optionally with a target prefix ending in '-'
/// (x86_64-linux-gnu-gcc) and/or a version suffix ("-12", "-15.0").
bool IsCompilerName(std::string_view program);

/// The compiles in shell line `line` run in directory `dir`: every simple command whose
/// program is a compiler (after `ccache`/`distcc` wrappers) with at least one source file
/// argument (by suffix: .c .cc .cpp .cxx .c++ .C .i .ii .s .S .sx .m .mm, or any file
/// after `-x LANG`), one entry per source file; not `-E` without `-o` (preprocessing to
/// standard output, e.g. into a pipe). `cd DIR` earlier in the line moves `dir`.
std::vector<CompileEntry> FindCompiles(std::string_view line, const std::string& dir);

/// The build-wide recorder.
class CompDb {
 public:
  /// The name of the environment variable that carries the spool path to sub-makes.
  static constexpr const char* kEnvName = "KBMAKE_COMPDB";
  /// The owner (the make given --compdb=FILE): `out_path` absolute; the spool next to it is
  /// emptied unless `restarted` (a re-executed make keeps what the run before it found).
  static CompDb* Open(const std::string& out_path, bool restarted);
  /// A make started by a recording build (KBMAKE_COMPDB in its environment): appends only.
  static CompDb* Join(const std::string& spool_path);
  ~CompDb();
  /// Records the compiles of a shell line that runs (or would run) in `dir`.
  void Record(std::string_view line, const std::string& dir);
  /// The environment entry that lets sub-make processes record into the same spool.
  std::string EnvEntry() const { return std::string(kEnvName) + "=" + spool_; }
  /// Owner only: writes FILE (temporary file + rename) from the spool. False (errno set)
  /// on failure. May be called again (after a signal) and rewrites it.
  bool Write();
  /// Owner only: Write, then removes the spool (the end of the build).
  bool Finish();
  bool owner() const { return owner_; }
  const std::string& path() const { return out_; }

 private:
  CompDb() = default;
  std::string out_, spool_;
  bool owner_ = false;
  int fd_ = -1;
  std::mutex mu_;
};

}  // namespace kbmake
