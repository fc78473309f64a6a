// --graph=FILE: the dependency graph of everything the make instances of a build considered,
// written at exit as JSON (FILE ending in .json) or Graphviz (.dot). Format: docs/GRAPH.md.
//
// Each make instance leaves one GraphPart (a snapshot of its files after its run). Instances
// running inside the process add theirs to the build-wide GraphCollector (published through
// the Build, kbmake/build.h); a kbmake sub-make that is a separate process writes its parts to a file in
// the directory named by KBMAKE_GRAPH, which the top make merges.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace kbmake {

class Make;

/// What one make instance considered: its files (nodes) and their prerequisites (edges).
struct GraphPart {
  std::string key;          // "pid.n": unique in the build
  std::string parent_key;   // the make whose recipe ran this one ("" at the top)
  std::string invoked_by;   // name of the parent's node whose recipe ran it
  std::string dir;          // absolute working directory
  int level = 0;            // MAKELEVEL
  std::vector<std::string> makefiles, goals;
  struct Node {
    std::string name, path;
    bool phony = false, exists = false, remade = false;
    std::string rule;     // "explicit", "pattern", "suffix" or "none"
    std::string pattern;  // for pattern/suffix rules: the rule's target pattern / suffix pair
    std::string recipe;   // "file:line" of the recipe, or ""
  };
  std::vector<Node> nodes;
  struct Edge {
    uint32_t from, to;  // indexes into nodes
    bool order_only;
  };
  std::vector<Edge> edges;
  /// Recipe lines that ran $(MAKE) as a separate process: node name and command line. A line
  /// whose process was not a kbmake contributing a part becomes an opaque node.
  std::vector<std::pair<std::string, std::string>> external;
};

/// The build-wide collector. Thread-safe.
class GraphCollector {
 public:
  /// `out_path`: the --graph file (absolute) for the top make, "" for a kbmake process
  /// started by a traced build (it writes its parts into `parts_dir` instead).
  GraphCollector(std::string out_path, std::string parts_dir);
  /// A key for a new make instance of this process.
  std::string NewKey();
  /// Adds an instance's part (at the end of its run).
  void Add(GraphPart part);
  /// The directory where separate kbmake processes write their parts.
  const std::string& parts_dir() const { return parts_dir_; }
  const std::string& out_path() const { return out_path_; }
  /// Top make: prepares the parts directory (kept when `keep`, i.e. after a re-exec).
  bool PrepareParts(bool keep);
  /// Writes what was collected: the top make merges the parts directory and writes
  /// out_path (temporary file + rename); otherwise the parts go to a file in parts_dir.
  /// `final` false (before a re-exec of the top make) saves the parts for the next run.
  /// Returns false with errno set on failure.
  bool Write(bool final = true);

 private:
  std::string out_path_, parts_dir_;
  std::mutex mu_;
  int next_ = 0;
  std::vector<GraphPart> parts_;
};

/// The snapshot of `m` after its run (every file it considered, and their prerequisites).
GraphPart SnapshotGraph(Make& m);

/// Writes `s` as a JSON string body: valid UTF-8 unchanged; otherwise every byte that is not
/// part of a valid UTF-8 sequence, and every '%', as %XX (docs/GRAPH.md), *escaped set.
/// With `always`, escapes (every '%' too) even valid UTF-8: part files, read back with
/// GraphUnescape whatever they hold.
std::string GraphEscape(const std::string& s, bool* escaped, bool always = false);
/// The inverse of GraphEscape for a name that was escaped.
std::string GraphUnescape(const std::string& s);

/// Removes KBMAKE_GRAPH and KBMAKE_GRAPH_NODE (how a --graph parent tells a kbmake sub-make
/// process where to write its part) from an environment list.
void DropGraphEnv(std::vector<std::string>* env);

}  // namespace kbmake
