#include "kbmake/graph/graph_dump.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "kbmake/base/strutil.h"
#include "kbmake/make.h"
#include "nlohmann/json.hpp"

namespace kbmake {
namespace {

using json = nlohmann::ordered_json;

/// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Len(const std::string& s, size_t i) {
  unsigned char c = s[i];
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xe0) == 0xc0) {
    n = 2;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  return n;
}

bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Len(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

/// A string for JSON output: escaped (GraphEscape) if not UTF-8, *any set then.
std::string Out(const std::string& s, bool* any) {
  bool e = false;
  std::string r = GraphEscape(s, &e);
  if (e) *any = true;
  return r;
}

/// Part files hold every string escaped (GraphEscape with `always`), so names that are not
/// UTF-8 survive the trip through JSON; PartFromJson unescapes them all.
std::string PE(const std::string& s) {
  bool e = false;
  return GraphEscape(s, &e, true);
}
std::vector<std::string> PE(const std::vector<std::string>& v) {
  std::vector<std::string> r;
  for (const std::string& s : v) r.push_back(PE(s));
  return r;
}
std::string PU(const json& j) { return GraphUnescape(j.get<std::string>()); }

json PartToJson(const GraphPart& p) {
  json j;
  j["key"] = p.key;
  j["parent"] = p.parent_key;
  j["invoked_by"] = PE(p.invoked_by);
  j["dir"] = PE(p.dir);
  j["level"] = p.level;
  j["makefiles"] = PE(p.makefiles);
  j["goals"] = PE(p.goals);
  json nodes = json::array();
  for (const GraphPart::Node& n : p.nodes) {
    nodes.push_back(json::array({PE(n.name), PE(n.path),
                                 (n.phony ? 1 : 0) | (n.exists ? 2 : 0) | (n.remade ? 4 : 0),
                                 n.rule, PE(n.pattern), PE(n.recipe)}));
  }
  j["nodes"] = std::move(nodes);
  json edges = json::array();
  for (const GraphPart::Edge& e : p.edges) edges.push_back({e.from, e.to, e.order_only ? 1 : 0});
  j["edges"] = std::move(edges);
  json ext = json::array();
  for (const auto& [node, cmd] : p.external) ext.push_back({PE(node), PE(cmd)});
  j["external"] = std::move(ext);
  return j;
}

GraphPart PartFromJson(const json& j) {
  GraphPart p;
  p.key = j.at("key");
  p.parent_key = j.at("parent");
  p.invoked_by = PU(j.at("invoked_by"));
  p.dir = PU(j.at("dir"));
  p.level = j.at("level");
  for (const json& s : j.at("makefiles")) p.makefiles.push_back(PU(s));
  for (const json& s : j.at("goals")) p.goals.push_back(PU(s));
  for (const json& n : j.at("nodes")) {
    GraphPart::Node node;
    node.name = PU(n[0]);
    node.path = PU(n[1]);
    int fl = n[2];
    node.phony = fl & 1;
    node.exists = fl & 2;
    node.remade = fl & 4;
    node.rule = n[3];
    node.pattern = PU(n[4]);
    node.recipe = PU(n[5]);
    p.nodes.push_back(std::move(node));
  }
  for (const json& e : j.at("edges")) {
    p.edges.push_back(GraphPart::Edge{e[0].get<uint32_t>(), e[1].get<uint32_t>(), e[2] == 1});
  }
  for (const json& e : j.at("external")) p.external.emplace_back(PU(e[0]), PU(e[1]));
  return p;
}

std::string DotQuote(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') r.push_back('\\');
    if (c == '\n') {
      r += "\\n";
      continue;
    }
    r.push_back(c);
  }
  return r + "\"";
}

/// Builds the version-1 document from all parts (docs/GRAPH.md).
json MergeParts(std::vector<GraphPart>& parts) {
  // Makes in a stable order: by parent chain (a make after its parent), then by key.
  std::map<std::string, size_t> by_key;
  for (size_t i = 0; i < parts.size(); ++i) by_key[parts[i].key] = i;
  std::vector<size_t> order;
  std::vector<bool> placed(parts.size(), false);
  std::map<std::string, std::vector<size_t>> children;
  auto key_less = [&](size_t a, size_t b) {
    // "pid.n": numeric comparison of both fields, so in-process instances keep start order.
    long pa = atol(parts[a].key.c_str()), pb = atol(parts[b].key.c_str());
    if (pa != pb) return pa < pb;
    size_t da = parts[a].key.find('.'), db = parts[b].key.find('.');
    return atol(parts[a].key.c_str() + da + 1) < atol(parts[b].key.c_str() + db + 1);
  };
  std::vector<size_t> roots;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].parent_key.empty() || !by_key.count(parts[i].parent_key)) {
      roots.push_back(i);
    } else {
      children[parts[i].parent_key].push_back(i);
    }
  }
  std::sort(roots.begin(), roots.end(), key_less);
  for (auto& [k, v] : children) std::sort(v.begin(), v.end(), key_less);
  std::vector<size_t> stack(roots.rbegin(), roots.rend());
  while (!stack.empty()) {
    size_t i = stack.back();
    stack.pop_back();
    if (placed[i]) continue;
    placed[i] = true;
    order.push_back(i);
    auto it = children.find(parts[i].key);
    if (it != children.end())
      for (auto c = it->second.rbegin(); c != it->second.rend(); ++c) stack.push_back(*c);
  }
  std::vector<int> make_id(parts.size(), -1);
  for (size_t k = 0; k < order.size(); ++k) make_id[order[k]] = static_cast<int>(k);

  json makes = json::array(), nodes = json::array(), edges = json::array();
  std::vector<size_t> node_base(parts.size(), 0);
  std::vector<absl::flat_hash_map<std::string, size_t>> names(parts.size());
  size_t next_node = 0;
  for (size_t i : order) {
    const GraphPart& p = parts[i];
    node_base[i] = next_node;
    bool any = false;
    json m;
    m["id"] = make_id[i];
    m["parent"] = nullptr;
    m["invoked_by"] = nullptr;
    m["dir"] = Out(p.dir, &any);
    m["level"] = p.level;
    json mf = json::array(), gl = json::array();
    for (const std::string& s : p.makefiles) mf.push_back(Out(s, &any));
    for (const std::string& s : p.goals) gl.push_back(Out(s, &any));
    m["makefiles"] = std::move(mf);
    m["goals"] = std::move(gl);
    if (any) m["escaped"] = true;
    makes.push_back(std::move(m));
    for (size_t n = 0; n < p.nodes.size(); ++n) {
      const GraphPart::Node& nd = p.nodes[n];
      names[i].emplace(nd.name, next_node);
      bool esc = false;
      json jn;
      jn["id"] = next_node++;
      jn["make"] = make_id[i];
      jn["name"] = Out(nd.name, &esc);
      jn["path"] = Out(nd.path, &esc);
      jn["phony"] = nd.phony;
      jn["exists"] = nd.exists;
      jn["remade"] = nd.remade;
      if (nd.rule == "pattern" || nd.rule == "suffix") {
        jn["rule"] = {{"kind", nd.rule}, {"pattern", Out(nd.pattern, &esc)}};
      } else {
        jn["rule"] = {{"kind", nd.rule}};
      }
      jn["recipe"] = nd.recipe.empty() ? json(nullptr) : json(Out(nd.recipe, &esc));
      if (esc) jn["escaped"] = true;
      nodes.push_back(std::move(jn));
    }
    for (const GraphPart::Edge& e : p.edges) {
      edges.push_back({{"from", node_base[i] + e.from},
                       {"to", node_base[i] + e.to},
                       {"kind", e.order_only ? "order-only" : "prereq"}});
    }
  }
  // Sub-make links: parent, invoked_by and a submake edge to each goal of the sub-make.
  std::map<std::pair<size_t, std::string>, bool> linked;  // (parent part, node name)
  for (size_t i : order) {
    const GraphPart& p = parts[i];
    auto pit = by_key.find(p.parent_key);
    if (p.parent_key.empty() || pit == by_key.end()) continue;
    size_t pi = pit->second;
    json& m = makes[make_id[i]];
    m["parent"] = make_id[pi];
    auto nit = names[pi].find(p.invoked_by);
    if (nit == names[pi].end()) continue;
    m["invoked_by"] = nit->second;
    linked[{pi, p.invoked_by}] = true;
    for (const std::string& g : p.goals) {
      auto git = names[i].find(g);
      if (git != names[i].end())
        edges.push_back({{"from", nit->second}, {"to", git->second}, {"kind", "submake"}});
    }
  }
  // Sub-makes that left no part (GNU make, or any other program run as $(MAKE)): one opaque
  // node each, in the make whose recipe ran it.
  size_t next = nodes.size();
  for (size_t i : order) {
    for (const auto& [node, cmd] : parts[i].external) {
      if (linked.count({i, node})) continue;
      auto nit = names[i].find(node);
      if (nit == names[i].end()) continue;
      bool esc = false;
      json jn;
      jn["id"] = next;
      jn["make"] = make_id[i];
      jn["name"] = Out(cmd, &esc);
      jn["path"] = nullptr;
      jn["phony"] = false;
      jn["exists"] = false;
      jn["remade"] = true;
      jn["rule"] = {{"kind", "none"}};
      jn["recipe"] = nullptr;
      jn["opaque"] = true;
      if (esc) jn["escaped"] = true;
      nodes.push_back(std::move(jn));
      edges.push_back({{"from", nit->second}, {"to", next}, {"kind", "submake"}});
      ++next;
    }
  }
  json doc;
  doc["version"] = 1;
  doc["makes"] = std::move(makes);
  doc["nodes"] = std::move(nodes);
  doc["edges"] = std::move(edges);
  return doc;
}

}  // namespace

std::string GraphEscape(const std::string& s, bool* escaped, bool always) {
  if (!always && ValidUtf8(s)) return s;
  *escaped = true;
  std::string r;
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Len(s, i);
    if (n == 0 || s[i] == '%') {
      unsigned char c = s[i];
      r.push_back('%');
      r.push_back(hex[c >> 4]);
      r.push_back(hex[c & 15]);
      ++i;
    } else {
      r.append(s, i, n);
      i += n;
    }
  }
  return r;
}

std::string GraphUnescape(const std::string& s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      r.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      r.push_back(s[i]);
    }
  }
  return r;
}

GraphCollector::GraphCollector(std::string out_path, std::string parts_dir)
    : out_path_(std::move(out_path)), parts_dir_(std::move(parts_dir)) {}

std::string GraphCollector::NewKey() {
  std::lock_guard<std::mutex> l(mu_);
  return std::to_string(getpid()) + "." + std::to_string(++next_);
}

void GraphCollector::Add(GraphPart part) {
  std::lock_guard<std::mutex> l(mu_);
  parts_.push_back(std::move(part));
}

bool GraphCollector::PrepareParts(bool keep) {
  if (!keep) {
    if (DIR* d = opendir(parts_dir_.c_str())) {
      while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") unlink((parts_dir_ + "/" + n).c_str());
      }
      closedir(d);
    }
  }
  if (mkdir(parts_dir_.c_str(), 0777) != 0 && errno != EEXIST) return false;
  return true;
}

namespace {

bool WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp" + std::to_string(getpid());
  FILE* f = fopen(tmp.c_str(), "w");
  if (f == nullptr) return false;
  bool ok = fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    errno = e;
    return false;
  }
  return true;
}

std::string ToDot(const json& doc) {
  std::ostringstream o;
  o << "digraph kbmake {\n  rankdir=LR;\n  node [shape=box, fontsize=10];\n";
  std::vector<std::vector<size_t>> by_make(doc["makes"].size());
  for (const json& n : doc["nodes"]) by_make[n["make"].get<size_t>()].push_back(n["id"]);
  for (const json& m : doc["makes"]) {
    size_t id = m["id"];
    std::string goals;
    for (const json& g : m["goals"]) goals += (goals.empty() ? "" : " ") + g.get<std::string>();
    std::string label = DotQuote("make " + std::to_string(id) + ": " + m["dir"].get<std::string>());
    if (!goals.empty()) label = label.substr(0, label.size() - 1) + "\\n" + DotQuote(goals).substr(1);
    o << "  subgraph cluster_" << id << " {\n    label=" << label
      << ";\n    style=rounded;\n";
    for (size_t n : by_make[id]) {
      const json& nd = doc["nodes"][n];
      o << "    n" << n << " [label=" << DotQuote(nd["name"].get<std::string>());
      if (nd["phony"].get<bool>()) o << ", shape=ellipse, style=dashed";
      if (nd.contains("opaque")) o << ", shape=component";
      if (nd["remade"].get<bool>()) o << ", color=red";
      o << "];\n";
    }
    o << "  }\n";
  }
  for (const json& e : doc["edges"]) {
    o << "  n" << e["from"].get<size_t>() << " -> n" << e["to"].get<size_t>();
    const std::string& k = e["kind"].get_ref<const std::string&>();
    if (k == "submake") o << " [style=dashed, color=blue]";
    if (k == "order-only") o << " [style=dotted]";
    o << ";\n";
  }
  o << "}\n";
  return o.str();
}

}  // namespace

bool GraphCollector::Write(bool final) {
  std::lock_guard<std::mutex> l(mu_);
  if (out_path_.empty() || !final) {
    // A part file for the top make to merge.
    json j = json::array();
    for (const GraphPart& p : parts_) j.push_back(PartToJson(p));
    std::string name = parts_dir_ + "/" + std::to_string(getpid()) + "-" +
                       std::to_string(next_) + (final ? "" : "-r") + ".part";
    bool ok = WriteFileAtomically(name, j.dump(-1, ' ', false, json::error_handler_t::replace));
    if (ok) parts_.clear();
    return ok;
  }
  std::vector<GraphPart> all = std::move(parts_);
  parts_.clear();
  std::vector<std::string> files;
  if (DIR* d = opendir(parts_dir_.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.compare(n.size() - 5, 5, ".part") == 0) files.push_back(n);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  for (const std::string& n : files) {
    std::string path = parts_dir_ + "/" + n;
    std::ifstream in(path);
    try {
      json j = json::parse(in);
      for (const json& p : j) all.push_back(PartFromJson(p));
    } catch (const std::exception&) {
      // A part that cannot be read (a sub-make killed while writing it) is left out.
    }
    unlink(path.c_str());
  }
  rmdir(parts_dir_.c_str());
  json doc = MergeParts(all);
  bool dot = out_path_.size() >= 4 && out_path_.compare(out_path_.size() - 4, 4, ".dot") == 0;
  std::string text =
      dot ? ToDot(doc) : doc.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  return WriteFileAtomically(out_path_, text);
}

GraphPart SnapshotGraph(Make& m) {
  GraphPart p;
  p.key = m.graph_key();
  p.parent_key = m.graph_parent();
  p.invoked_by = m.graph_invoked_by();
  p.dir = m.starting_dir();
  p.level = m.makelevel();
  for (const Make::ReadMakefile& r : m.read_makefiles())
    if (r.err == 0) p.makefiles.push_back(r.name);
  p.goals = m.graph_goals();
  if (p.goals.empty()) {
    // A run that ended before its goals (re-executed after remaking its makefiles, or an
    // error): the goals it would have updated.
    p.goals = m.options().goals;
    if (p.goals.empty() && m.default_goal_var() != nullptr) {
      std::string dg = m.Expand("$(.DEFAULT_GOAL)");
      for (auto w : SplitWords(dg)) p.goals.emplace_back(w);
    }
  }
  absl::flat_hash_map<const File*, uint32_t> index;
  std::vector<const File*> files;
  auto add = [&](const File* f) -> uint32_t {
    const File* h = f->double_colon ? f->double_colon : f;
    auto [it, fresh] = index.emplace(h, static_cast<uint32_t>(files.size()));
    if (fresh) files.push_back(h);
    return it->second;
  };
  for (const File* f : m.file_order())
    if (f->graph_seen || (f->double_colon && f->double_colon->graph_seen)) add(f);
  for (const std::string& g : p.goals)
    if (const File* f = m.LookupFile(g)) add(f);
  // Prerequisites of the files considered (also those not reached, e.g. after an error).
  for (size_t i = 0; i < files.size(); ++i) {
    for (const File* c = files[i]; c; c = c->prev) {
      for (const Dep& d : c->deps) {
        if (d.file == nullptr) continue;
        uint32_t to = add(d.file);
        p.edges.push_back(GraphPart::Edge{static_cast<uint32_t>(i), to, d.order_only});
      }
      if (!files[i]->double_colon) break;
    }
  }
  // Duplicate edges (a prerequisite named twice) once.
  std::sort(p.edges.begin(), p.edges.end(), [](const GraphPart::Edge& a, const GraphPart::Edge& b) {
    return std::tie(a.from, a.to, a.order_only) < std::tie(b.from, b.to, b.order_only);
  });
  p.edges.erase(std::unique(p.edges.begin(), p.edges.end(),
                            [](const GraphPart::Edge& a, const GraphPart::Edge& b) {
                              return a.from == b.from && a.to == b.to &&
                                     a.order_only == b.order_only;
                            }),
                p.edges.end());
  p.nodes.reserve(files.size());
  for (const File* f : files) {
    GraphPart::Node n;
    n.name = f->name;
    n.path = AbsPath(p.dir, f->hn());
    n.phony = f->phony;
    bool remade = false;
    for (const File* c = f; c; c = c->prev) remade |= c->graph_remade;
    n.remade = remade;
    // Whether the file exists at the end: make's own answer unless a recipe ran (after
    // which -n, -t and -q runs record a made-up time), or make never looked.
    if (!remade && f->last_mtime >= kFirstRealTime && f->last_mtime != kNewTime) {
      n.exists = true;
    } else if (remade || f->last_mtime == kUnknownTime) {
      struct stat st;
      n.exists = stat(n.path.c_str(), &st) == 0;
    }
    if (f->cmds == nullptr) {
      n.rule = "none";
    } else if (f->graph_rule != nullptr) {
      n.rule = f->graph_rule->suffix.empty() ? "pattern" : "suffix";
      n.pattern = f->graph_rule->suffix.empty() ? f->graph_rule->targets[f->graph_rule_index]
                                                 : f->graph_rule->suffix;
    } else {
      n.rule = "explicit";
    }
    if (f->cmds != nullptr && f->cmds->loc.valid())
      n.recipe = *f->cmds->loc.file + ":" + std::to_string(f->cmds->loc.line);
    p.nodes.push_back(std::move(n));
  }
  p.external = m.graph_external();
  return p;
}

}  // namespace kbmake

namespace kbmake {

void DropGraphEnv(std::vector<std::string>* env) {
  env->erase(std::remove_if(env->begin(), env->end(),
                            [](const std::string& e) {
                              return e.rfind("KBMAKE_GRAPH=", 0) == 0 ||
                                     e.rfind("KBMAKE_GRAPH_NODE=", 0) == 0;
                            }),
             env->end());
}

void Make::GraphNoteLine(File* f, const std::string& line, bool recursive,
                         std::vector<std::string>* env) {
  DropGraphEnv(env);
  env->push_back("KBMAKE_GRAPH=" + graph_key_ + ":" + graph_->parts_dir());
  env->push_back("KBMAKE_GRAPH_NODE=" + f->name);
  if (!graph_make_) graph_make_ = std::string(TrimSpace(Expand("$(MAKE)")));
  if (recursive || (!graph_make_->empty() && line.find(*graph_make_) != std::string::npos)) {
    graph_external_.emplace_back(f->name, std::string(TrimSpace(line)));
  }
}

}  // namespace kbmake
