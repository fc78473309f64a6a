// A makefile split into logical lines, each analysed as far as its text alone allows, and the
// build-wide cache of such parses (the parse cache). What a line *means* is still decided by
// the reader (kbmake/eval/read.cc) when it evaluates it, because that can depend on earlier
// lines (.RECIPEPREFIX, a rule waiting for its recipe, define, conditionals): the cache
// holds only what is the same for every make that reads the file.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "parser/assignment.h"

namespace kbmake {

/// One logical line (physical lines joined by backslash-newline).
struct LogicalLine {
  std::string raw;  ///< as LineReader gives it: backslash-newlines kept
  long nlines = 1;  ///< physical lines it spans
  /// Continuations collapsed and the comment cut: the text GNU make's eval() parses when the
  /// line is not a recipe line.
  std::string text;
  size_t assign_at = std::string::npos;  ///< ParseVarAssignment(text); npos: no assignment
  VarModifiers vm;                       ///< its modifiers, when an assignment
  VarDef def;                            ///< its parts, when an assignment
  /// How many times GNU make warns "NUL character seen; rest of line ignored" while reading
  /// this line (see ApplyNulRules); the reader prints them before evaluating the line.
  int nul_warnings = 0;
};

/// Fills line->text, assign_at, vm and def from line->raw.
void AnalyzeLine(LogicalLine* line, bool posix = false);

/// A whole makefile's logical lines, read-only once built (shared between threads).
struct ParsedMakefile {
  std::vector<LogicalLine> lines;
  size_t bytes = 0;  ///< size of the text it was made from
};

/// What GNU make 4.3's reader (read.c readline: fgets() into a buffer of 200 bytes that
/// doubles when full, then strlen()) makes of a makefile containing NUL bytes: a NUL inside
/// what one fgets() call read drops the rest of that piece, newline included, so the line
/// goes on with the next one; a piece that starts with a NUL becomes an empty line, with a
/// warning. Returns the text as GNU make sees it, and in *warning_lines the line numbers
/// (1-based, in the returned text) of the newlines that replaced such pieces.
std::string ApplyNulRules(std::string_view text, std::vector<long>* warning_lines);

/// Splits and analyses `text` (LineReader's rules: CR before LF dropped, a final
/// backslash-newline kept; NUL bytes as ApplyNulRules says).
std::shared_ptr<const ParsedMakefile> ParseMakefile(std::string_view text);

/// The build-wide parse cache: a makefile read by many make instances (Kbuild's
/// Makefile.build, Kbuild.include, auto.conf: once per directory) is read and parsed once.
/// An entry is found by the identity of the opened file (device, inode, size, mtime, ctime),
/// so a changed file is read again; see Offer for when a parse is kept. Thread-safe.
class ParseCache {
 public:
  /// The parse kept for the regular file with status `st`, or null.
  std::shared_ptr<const ParsedMakefile> Find(const struct stat& st);
  /// Offers the parse of the file whose status was `before` when reading started at
  /// `read_started_ns` (CLOCK_REALTIME) and `after` when it ended. It is kept only when the
  /// file was the same before and after, is a regular file, changed last at least 100 ms
  /// before the reading started (a second change within the same clock tick could leave the
  /// identity as it was: git's "racy" entries), has a change time with a sub-second part (a
  /// file system with whole-second times would hide a second change within the second; the
  /// mtime may be whole seconds, as tar sets it), has been
  /// offered before (a file read once, such as a .cmd file, is not kept), and the cache stays
  /// within its byte budget.
  void Offer(const struct stat& before, const struct stat& after, int64_t read_started_ns,
             std::shared_ptr<const ParsedMakefile> parsed);
  /// Statistics for tests: parses found, lookups.
  uint64_t hits() const;
  uint64_t lookups() const;

  /// At most this many bytes of makefile text are kept.
  static constexpr size_t kMaxBytes = 16u << 20;

 private:
  struct Key {
    dev_t dev;
    ino_t ino;
    off_t size;
    int64_t mtime_ns, ctime_ns;
    bool operator==(const Key& o) const {
      return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns &&
             ctime_ns == o.ctime_ns;
    }
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.dev, k.ino, k.size, k.mtime_ns, k.ctime_ns);
    }
  };
  static Key KeyOf(const struct stat& st);

  mutable std::mutex mu_;
  absl::flat_hash_map<Key, std::shared_ptr<const ParsedMakefile>> parses_;
  absl::flat_hash_set<Key> offered_once_;
  size_t bytes_ = 0;
  uint64_t hits_ = 0, lookups_ = 0;
};

}  // namespace kbmake
