#include "kbmake/exec/compdb.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "kbmake/exec/process.h"
#include "kbmake/exec/shell_scan.h"

namespace kbmake {

namespace {

std::string_view Base(std::string_view p) {
  size_t s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

bool IsSourceName(std::string_view w) {
  static const char* const kExt[] = {".c",  ".cc", ".cp", ".cpp", ".cxx", ".c++", ".C", ".CPP",
                                     ".i",  ".ii", ".s", ".S",   ".sx",  ".m",   ".mm", ".mi",
                                     ".mii", ".M"};
  size_t dot = w.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || w[dot - 1] == '/') return false;
  std::string_view ext = w.substr(dot);
  for (const char* e : kExt)
    if (ext == e) return true;
  return false;
}

/// Options whose argument is the next word when given alone.
bool TakesArgument(std::string_view o) {
  static const std::set<std::string_view> kOpts = {
      "-o", "-x", "-MF", "-MT", "-MQ", "-MJ", "-include", "-imacros", "-isystem",
      "-idirafter", "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-iquote", "-isysroot",
      "-I", "-D", "-U", "-L", "-T", "-Xassembler", "-Xpreprocessor", "-Xlinker", "-Xclang",
      "-aux-info", "--param", "-arch", "-target", "-z", "-u", "-e", "-l", "--sysroot",
      "-gcc-toolchain", "-mllvm", "-specs"};
  return kOpts.count(o) != 0;
}

std::string JoinDir(const std::string& dir, const std::string& sub) {
  if (!sub.empty() && sub[0] == '/') return sub;
  std::string d = dir;
  std::string_view s = sub;
  while (s.rfind("./", 0) == 0) s.remove_prefix(2);
  if (s == ".") s = "";
  if (s.empty()) return d;
  if (d.empty() || d.back() != '/') d.push_back('/');
  d.append(s);
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d;
}

}  // namespace

bool IsCompilerName(std::string_view program) {
  std::string_view b = Base(program);
  // A version suffix: "-12", "-15.0.7".
  size_t dash = b.rfind('-');
  if (dash != std::string_view::npos && dash + 1 < b.size() &&
      b.find_first_not_of("0123456789.", dash + 1) == std::string_view::npos) {
    b = b.substr(0, dash);
  }
  static const char* const kNames[] = {"gcc", "cc", "clang", "g++", "c++", "clang++"};
  for (const char* n : kNames) {
    std::string_view name(n);
    if (b == name) return true;
    // A target prefix: "x86_64-linux-gnu-gcc", "aarch64-none-elf-g++".
    if (b.size() > name.size() + 1 && b.substr(b.size() - name.size()) == name &&
        b[b.size() - name.size() - 1] == '-')
      return true;
  }
  return false;
}

std::vector<CompileEntry> FindCompiles(std::string_view line, const std::string& start_dir) {
  std::vector<CompileEntry> out;
  std::string dir = start_dir;
  bool dir_known = true;
  for (const ShellCommand& c : ScanShellLine(line)) {
    const std::vector<std::string>& w = c.words;
    if (w[0] == "cd") {
      if (w.size() == 2 && c.literal && w[1] != "-") {
        dir = JoinDir(dir, w[1]);
      } else {
        dir_known = false;
      }
      continue;
    }
    size_t prog = 0;
    while (prog + 1 < w.size() &&
           (Base(w[prog]) == "ccache" || Base(w[prog]) == "distcc" || Base(w[prog]) == "sccache"))
      ++prog;
    if (!IsCompilerName(w[prog]) || !dir_known) continue;
    std::vector<std::string> sources;
    std::string output;
    bool lang_given = false, preprocess = false;
    for (size_t k = prog + 1; k < w.size(); ++k) {
      const std::string& a = w[k];
      if (a.size() > 1 && a[0] == '-') {
        if (a == "-E") preprocess = true;
        if (a == "-x" && k + 1 < w.size()) lang_given = w[k + 1] != "none";
        if (a == "-o" && k + 1 < w.size()) output = w[k + 1];
        if (a.rfind("-o", 0) == 0 && a.size() > 2) output = a.substr(2);  // -ofile
        if (TakesArgument(a)) ++k;
        continue;
      }
      if (a == "-") continue;  // standard input
      if (IsSourceName(a) || lang_given) sources.push_back(a);
    }
    // Preprocessing to standard output (Kbuild's `$(CPP) ... | genksyms`) makes nothing.
    if (preprocess && output.empty()) continue;
    for (const std::string& src : sources) {
      CompileEntry e;
      e.directory = dir;
      e.file = src;
      e.output = output;
      if (c.literal) {
        e.arguments.assign(w.begin() + static_cast<long>(prog), w.end());
      } else {
        e.command = std::string(line.substr(c.begin, c.end - c.begin));
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

CompDb* CompDb::Open(const std::string& out_path, bool restarted) {
  auto* db = new CompDb();
  db->owner_ = true;
  db->out_ = out_path;
  db->spool_ = out_path + ".kbmake-spool";
  db->fd_ = open(db->spool_.c_str(),
                 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (restarted ? 0 : O_TRUNC), 0666);
  return db;
}

CompDb* CompDb::Join(const std::string& spool_path) {
  auto* db = new CompDb();
  db->spool_ = spool_path;
  db->fd_ = open(spool_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  return db;
}

CompDb::~CompDb() {
  if (fd_ >= 0) close(fd_);
}

void CompDb::Record(std::string_view line, const std::string& dir) {
  if (fd_ < 0) return;
  // Cheap test first: most recipe lines name no compiler at all.
  std::vector<CompileEntry> found = FindCompiles(line, dir);
  for (const CompileEntry& e : found) {
    nlohmann::json j;
    j["directory"] = e.directory;
    j["file"] = e.file;
    if (!e.arguments.empty()) {
      j["arguments"] = e.arguments;
    } else {
      j["command"] = e.command;
    }
    if (!e.output.empty()) j["output"] = e.output;
    // One write per entry on an O_APPEND descriptor: entries of concurrent makes (threads
    // and processes) never interleave.
    std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard<std::mutex> lock(mu_);
    WriteAll(fd_, s);
  }
}

bool CompDb::Write() {
  if (!owner_) return true;
  nlohmann::json all = nlohmann::json::array();
  {
    std::ifstream in(spool_);
    std::string l;
    while (std::getline(in, l)) {
      nlohmann::json j = nlohmann::json::parse(l, nullptr, false);
      if (!j.is_discarded()) all.push_back(std::move(j));  // a torn line is dropped
    }
  }
  return ReplaceFile(out_,
                     all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

bool CompDb::Finish() {
  if (!owner_) return true;
  bool ok = Write();
  int e = errno;
  unlink(spool_.c_str());
  errno = e;
  return ok;
}

}  // namespace kbmake
