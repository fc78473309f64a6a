// kbmake-graph: questions over a `kbmake --graph=FILE.json` dump (docs/GRAPH.md).
//
//   kbmake-graph GRAPH.json deps TARGET        what TARGET depends on, transitively
//   kbmake-graph GRAPH.json rdeps FILE         what would be remade if FILE changed
//   kbmake-graph GRAPH.json path A B           one shortest chain A -> ... -> B
//   kbmake-graph GRAPH.json dot --root T [--depth N]   a renderable sub-graph
//
// Nodes of different make instances with the same path (and not phony) are one file: a
// query crosses from one instance to another through them, as a build does.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "kbmake/base/strutil.h"
#include "kbmake/graph/graph_dump.h"
#include "nlohmann/json.hpp"

namespace {

using json = nlohmann::json;
using kbmake::GraphUnescape;

enum Kind { kPrereq, kOrderOnly, kSubmake };

struct Node {
  int make;
  std::string name, path;  // path "" for an opaque node
  bool phony, opaque, remade;
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<std::string> make_dirs;
  std::vector<std::vector<std::pair<int, Kind>>> out, in;
  std::unordered_map<std::string, std::vector<int>> by_path, by_name;

  /// Nodes that are the same file as `n` (same path, not phony), `n` included.
  const std::vector<int>& Aliases(int n) const {
    static const std::vector<int> none;
    const Node& nd = nodes[n];
    if (nd.phony || nd.path.empty()) return none;
    auto it = by_path.find(nd.path);
    return it == by_path.end() ? none : it->second;
  }
  std::string Label(int n) const {
    const Node& nd = nodes[n];
    return nd.phony || nd.path.empty() ? nd.name : nd.path;
  }
};

std::string Str(const json& j, bool escaped) {
  if (j.is_null()) return "";
  std::string s = j.get<std::string>();
  return escaped ? GraphUnescape(s) : s;
}

bool Load(const std::string& file, Graph* g) {
  std::ifstream in(file);
  if (!in) {
    std::cerr << "kbmake-graph: " << file << ": " << strerror(errno) << "\n";
    return false;
  }
  json doc;
  try {
    doc = json::parse(in);
  } catch (const std::exception& e) {
    std::cerr << "kbmake-graph: " << file << ": " << e.what() << "\n";
    return false;
  }
  if (doc.value("version", 0) != 1) {
    std::cerr << "kbmake-graph: " << file << ": not a version 1 kbmake graph\n";
    return false;
  }
  for (const json& m : doc["makes"]) g->make_dirs.push_back(Str(m["dir"], m.contains("escaped")));
  for (const json& n : doc["nodes"]) {
    bool esc = n.contains("escaped");
    Node nd{n["make"].get<int>(), Str(n["name"], esc), Str(n["path"], esc),
            n["phony"].get<bool>(), n.contains("opaque"), n["remade"].get<bool>()};
    size_t id = n["id"].get<size_t>();
    if (id != g->nodes.size()) {
      std::cerr << "kbmake-graph: " << file << ": node ids are not 0, 1, 2...\n";
      return false;
    }
    if (!nd.path.empty()) g->by_path[nd.path].push_back(static_cast<int>(id));
    g->by_name[nd.name].push_back(static_cast<int>(id));
    g->nodes.push_back(std::move(nd));
  }
  g->out.resize(g->nodes.size());
  g->in.resize(g->nodes.size());
  for (const json& e : doc["edges"]) {
    int from = e["from"], to = e["to"];
    const std::string& k = e["kind"].get_ref<const std::string&>();
    Kind kind = k == "prereq" ? kPrereq : k == "order-only" ? kOrderOnly : kSubmake;
    g->out[from].emplace_back(to, kind);
    g->in[to].emplace_back(from, kind);
  }
  return true;
}

/// Lexically normalised absolute path (as in the dump).
std::string Normalize(const std::string& p) {
  char buf[4096];
  return kbmake::AbsPath(getcwd(buf, sizeof buf) ? buf : "", p);
}

/// The nodes a command-line name means: by path (absolute or relative to the current
/// directory), else by make's name.
std::vector<int> Find(const Graph& g, const std::string& what) {
  auto it = g.by_path.find(Normalize(what));
  if (it != g.by_path.end()) return it->second;
  auto nt = g.by_name.find(what);
  if (nt != g.by_name.end()) return nt->second;
  return {};
}

/// Breadth-first from `start`: `forward` along prerequisite, order-only and sub-make edges;
/// otherwise backward along prerequisite edges only (what is remade when a file changes).
/// Aliases (the same file in another make instance) are reached at the same distance.
std::vector<int> Walk(const Graph& g, const std::vector<int>& start, bool forward, int max_depth,
                      std::vector<int>* parent_out = nullptr) {
  std::vector<int> dist(g.nodes.size(), -1), parent(g.nodes.size(), -1), order;
  std::deque<int> q;
  auto visit = [&](int n, int d, int from) {
    if (dist[n] >= 0) return;
    dist[n] = d;
    parent[n] = from;
    order.push_back(n);
    q.push_back(n);
  };
  for (int s : start) visit(s, 0, -1);
  while (!q.empty()) {
    int n = q.front();
    q.pop_front();
    for (int a : g.Aliases(n)) visit(a, dist[n], n);
    if (max_depth >= 0 && dist[n] >= max_depth) continue;
    for (auto [m, kind] : forward ? g.out[n] : g.in[n]) {
      if (!forward && kind != kPrereq) continue;
      visit(m, dist[n] + 1, n);
    }
  }
  if (parent_out) *parent_out = std::move(parent);
  return order;
}

void PrintSet(const Graph& g, const std::vector<int>& nodes, const std::vector<int>& exclude,
              bool with_phony) {
  std::set<std::string> seen, skip;
  for (int n : exclude) skip.insert(g.Label(n));
  for (int n : nodes) {
    if (g.nodes[n].phony && !with_phony) continue;
    std::string l = g.Label(n);
    if (!skip.count(l)) seen.insert(l);
  }
  for (const std::string& s : seen) std::cout << s << "\n";
}

std::string DotQuote(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') r.push_back('\\');
    r.push_back(c);
  }
  return r + "\"";
}

int Usage() {
  std::cerr << "usage: kbmake-graph GRAPH.json deps [--phony] TARGET\n"
               "       kbmake-graph GRAPH.json rdeps [--phony] FILE\n"
               "       kbmake-graph GRAPH.json path A B\n"
               "       kbmake-graph GRAPH.json dot --root T [--depth N]\n"
               "TARGET, FILE, A, B, T: a path (absolute or relative to the current directory)\n"
               "or a name as make calls it. See docs/GRAPH.md.\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2) return Usage();
  std::string cmd = args[1];
  bool with_phony = false;
  std::vector<std::string> rest;
  std::string root;
  int depth = -1;
  for (size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--phony") {
      with_phony = true;
    } else if (args[i] == "--root" && i + 1 < args.size()) {
      root = args[++i];
    } else if (args[i] == "--depth" && i + 1 < args.size()) {
      depth = atoi(args[++i].c_str());
    } else {
      rest.push_back(args[i]);
    }
  }
  Graph g;
  if (!Load(args[0], &g)) return 2;
  auto find = [&](const std::string& what) {
    std::vector<int> r = Find(g, what);
    if (r.empty()) std::cerr << "kbmake-graph: no node '" << what << "' in " << args[0] << "\n";
    return r;
  };
  if (cmd == "deps" || cmd == "rdeps") {
    if (rest.size() != 1) return Usage();
    std::vector<int> start = find(rest[0]);
    if (start.empty()) return 1;
    PrintSet(g, Walk(g, start, cmd == "deps", -1), start, with_phony);
    return 0;
  }
  if (cmd == "path") {
    if (rest.size() != 2) return Usage();
    std::vector<int> a = find(rest[0]), b = find(rest[1]);
    if (a.empty() || b.empty()) return 1;
    std::vector<int> parent;
    std::vector<int> order = Walk(g, a, true, -1, &parent);
    std::set<int> targets(b.begin(), b.end());
    int best = -1;
    // The first of B's nodes reached (any of them: the same file in several instances).
    for (int n : order)
      if (targets.count(n)) {
        best = n;
        break;
      }
    if (best < 0) {
      std::cerr << "kbmake-graph: " << rest[0] << " does not depend on " << rest[1] << "\n";
      return 1;
    }
    std::vector<int> chain;
    for (int n = best; n >= 0; n = parent[n]) chain.push_back(n);
    std::reverse(chain.begin(), chain.end());
    std::string last;
    for (int n : chain) {
      // An alias step (same file, another instance) is shown once.
      std::string l = g.Label(n) + "  [make " + std::to_string(g.nodes[n].make) + "]";
      if (g.Label(n) == last) continue;
      last = g.Label(n);
      std::cout << l << "\n";
    }
    return 0;
  }
  if (cmd == "dot") {
    if (root.empty() && rest.size() == 1) root = rest[0];
    if (root.empty()) return Usage();
    std::vector<int> start = find(root);
    if (start.empty()) return 1;
    std::vector<int> nodes = Walk(g, start, true, depth < 0 ? 2 : depth);
    std::set<int> in(nodes.begin(), nodes.end());
    std::map<int, std::vector<int>> by_make;
    for (int n : nodes) by_make[g.nodes[n].make].push_back(n);
    std::cout << "digraph kbmake {\n  rankdir=LR;\n  node [shape=box, fontsize=10];\n";
    for (auto& [m, ns] : by_make) {
      std::cout << "  subgraph cluster_" << m << " {\n    label="
                << DotQuote("make " + std::to_string(m) + ": " + g.make_dirs[m])
                << ";\n    style=rounded;\n";
      for (int n : ns) {
        std::cout << "    n" << n << " [label=" << DotQuote(g.nodes[n].name);
        if (g.nodes[n].phony) std::cout << ", shape=ellipse, style=dashed";
        if (g.nodes[n].opaque) std::cout << ", shape=component";
        std::cout << "];\n";
      }
      std::cout << "  }\n";
    }
    for (int n : nodes) {
      for (auto [m, kind] : g.out[n]) {
        if (!in.count(m)) continue;
        std::cout << "  n" << n << " -> n" << m;
        if (kind == kSubmake) std::cout << " [style=dashed, color=blue]";
        if (kind == kOrderOnly) std::cout << " [style=dotted]";
        std::cout << ";\n";
      }
      for (int a : g.Aliases(n))
        if (a > n && in.count(a)) std::cout << "  n" << n << " -> n" << a << " [dir=none, style=dotted, color=gray];\n";
    }
    std::cout << "}\n";
    return 0;
  }
  return Usage();
}
