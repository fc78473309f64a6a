// kbmake-conformance: runs the GNU-make conformance corpus under testdata/.
//
// Each case is a directory testdata/<category>/<name>/ holding a Makefile and other inputs,
// optional `cmd`, `env`, `setup.sh`, `xfail`, and the recorded `expected/` outputs.
// In record mode the outputs of the program under test (GNU make 4.3) are written to
// expected/; in test mode they are compared byte for byte.  See testdata/README.md.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"
#include "tests/conformance/database_compare.h"

namespace fs = std::filesystem;

namespace {

constexpr int kDefaultTimeoutSecs = 30;  // a hang is still caught; a loaded machine is not
constexpr int kDiffLinesPerCase = 40;
constexpr size_t kDiffLineWidth = 200;               // longer diff lines are cut
constexpr size_t kMaxCapturedBytes = 16 << 20;       // per stream; the rest is discarded
constexpr char kSystemPath[] = "/usr/local/bin:/usr/bin:/bin";
// Top-level entries of a case directory that are not inputs of the run.
constexpr const char* kControlFiles[] = {"expected", "xfail", "cmd", "env", "setup.sh", "compare"};
// The sanitizer runtimes' options (tools/test-sanitize.sh): passed through to the program under
// test, and their "# environment" entries removed from its -p dumps.
constexpr const char* kSanitizerOptions[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
                                             "TSAN_OPTIONS"};

struct Options {
  std::string make_path;
  bool record = false;
  std::string filter;
  int jobs = 0;
  int timeout_secs = kDefaultTimeoutSecs;
  bool verbose = false;
  bool shell_memo = false;  // test mode: every case runs kbmake with its $(shell) memo on
  bool recursive_only = false;  // only the cases that may start a sub-make (RunsSubMake)
  std::string testdata;
};

struct Case {
  std::string name;  // "<category>/<case>"
  fs::path dir;
};

// What one run of a case produced (already normalised).
struct Outcome {
  std::string stdout_text;
  std::string stderr_text;
  std::string status;  // decimal exit code + "\n"
  std::string files;   // listing of the work dir
  std::string error;   // harness problem (timeout, setup failure, ...); empty if none
};

enum class Verdict { kPass, kFail, kXFail, kXPass, kRecorded };

struct CaseReport {
  Verdict verdict = Verdict::kFail;
  std::string text;  // lines to print (may be empty)
};

// ---------------------------------------------------------------- small file helpers

// std::ofstream and std::filesystem::copy open files without O_CLOEXEC. A child forked by
// another thread while one is open would keep it open for writing after its exec (for its
// whole life), and the case that later runs that file gets ETXTBSY ("Text file busy"): files
// are written and children forked under this lock.
std::mutex g_fork_mutex;

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool WriteFile(const fs::path& path, const std::string& content) {
  std::lock_guard<std::mutex> lock(g_fork_mutex);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return static_cast<bool>(out);
}

std::string FirstLine(const std::string& text) {
  return std::string(text.substr(0, text.find('\n')));
}

// Stable 64-bit FNV-1a hash; never depends on the standard library's hash.
uint64_t Fnv1a64(const std::string& data) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// ---------------------------------------------------------------- argument parsing

void Usage() {
  std::cerr << "usage: kbmake-conformance --make=PATH [--record] [--filter=SUBSTR] [-j N]\n"
               "                          [--timeout=SECS] [--verbose] [--shell-memo]\n"
               "                          [--recursive-only] TESTDATA_DIR\n";
}

bool ParseInt(absl::string_view text, int* out) {
  return absl::SimpleAtoi(text, out) && *out > 0;
}

std::optional<Options> ParseArgs(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    bool ok = true;
    if (absl::ConsumePrefix(&arg, "--make=")) {
      opt.make_path = std::string(arg);
    } else if (arg == "--record") {
      opt.record = true;
    } else if (arg == "--verbose") {
      opt.verbose = true;
    } else if (arg == "--shell-memo") {
      opt.shell_memo = true;
    } else if (arg == "--recursive-only") {
      opt.recursive_only = true;
    } else if (absl::ConsumePrefix(&arg, "--filter=")) {
      opt.filter = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--timeout=")) {
      ok = ParseInt(arg, &opt.timeout_secs);
    } else if (arg == "-j" && i + 1 < argc) {
      ok = ParseInt(argv[++i], &opt.jobs);
    } else if (absl::ConsumePrefix(&arg, "-j") && !arg.empty()) {
      ok = ParseInt(arg, &opt.jobs);
    } else if (!arg.empty() && arg[0] != '-' && opt.testdata.empty()) {
      opt.testdata = std::string(arg);
    } else {
      ok = false;
    }
    if (!ok) {
      std::cerr << "kbmake-conformance: bad argument '" << argv[i] << "'\n";
      return std::nullopt;
    }
  }
  if (opt.make_path.empty() || opt.testdata.empty()) return std::nullopt;
  if (opt.jobs <= 0) opt.jobs = std::max(1u, std::thread::hardware_concurrency());
  return opt;
}

// ---------------------------------------------------------------- case discovery

bool IsCaseDir(const fs::path& dir) {
  return fs::exists(dir / "Makefile") || fs::exists(dir / "cmd") ||
         fs::exists(dir / "expected");
}

bool IsControlFile(const std::string& name) {
  for (const char* control : kControlFiles) {
    if (name == control) return true;
  }
  return false;
}

// Whether a case may start a sub-make: one of its inputs (all files but the control files,
// searched recursively) says "MAKE" outside the harness's "@MAKE@" placeholder. A sub-make is
// started through $(MAKE), ${MAKE}, $(MAKE_COMMAND) or a variable made from them, all of which
// contain the word; the test over-selects (MAKEFLAGS, MAKELEVEL, ...), which costs only time.
// The top-level command (`cmd`) starts the program under test, never a sub-make.
bool RunsSubMake(const fs::path& case_dir) {
  for (const auto& top : fs::directory_iterator(case_dir)) {
    if (IsControlFile(top.path().filename().string())) continue;
    std::vector<fs::path> files;
    if (top.is_directory()) {
      for (const auto& e : fs::recursive_directory_iterator(top.path())) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (top.is_regular_file()) {
      files.push_back(top.path());
    }
    for (const fs::path& file : files) {
      std::string text = ReadFile(file).value_or("");
      RE2::GlobalReplace(&text, "@MAKE@", "");
      if (absl::StrContains(text, "MAKE")) return true;
    }
  }
  return false;
}

std::vector<Case> DiscoverCases(const Options& opt) {
  std::vector<Case> cases;
  for (const auto& category : fs::directory_iterator(opt.testdata)) {
    if (!category.is_directory()) continue;
    for (const auto& entry : fs::directory_iterator(category.path())) {
      if (!entry.is_directory() || !IsCaseDir(entry.path())) continue;
      std::string name = absl::StrCat(category.path().filename().string(), "/",
                                      entry.path().filename().string());
      if (!opt.filter.empty() && !absl::StrContains(name, opt.filter)) continue;
      if (opt.recursive_only && !RunsSubMake(entry.path())) continue;
      cases.push_back({name, fs::absolute(entry.path())});
    }
  }
  std::sort(cases.begin(), cases.end(),
            [](const Case& a, const Case& b) { return a.name < b.name; });
  return cases;
}

// ---------------------------------------------------------------- sandbox preparation

// Copies the case's inputs (everything but the control files) into `work`.
void CopyInputs(const fs::path& case_dir, const fs::path& work) {
  const auto options = fs::copy_options::recursive | fs::copy_options::copy_symlinks;
  std::lock_guard<std::mutex> lock(g_fork_mutex);
  for (const auto& entry : fs::directory_iterator(case_dir)) {
    std::string name = entry.path().filename().string();
    if (IsControlFile(name)) continue;
    fs::copy(entry.path(), work / name, options);
  }
}

// Creates <tmp>/bin/<program> -> make_path so that the program is found by name.
fs::path MakeBinDir(const fs::path& tmp, const std::string& make_path,
                    const std::string& program) {
  fs::path bin = tmp / "bin";
  fs::create_directory(bin);
  fs::create_symlink(fs::absolute(make_path), bin / program);
  return bin;
}

std::vector<std::string> BuildEnv(const fs::path& bin, const fs::path& work,
                                  const fs::path& case_dir) {
  std::vector<std::string> env = {
      absl::StrCat("PATH=", bin.string(), ":", kSystemPath),
      "LC_ALL=C",
      absl::StrCat("HOME=", work.string()),
      "SHELL=/bin/sh",
      "TMPDIR=/tmp",
  };
  // The sanitizer runtime's options (tools/test-sanitize.sh) reach a sanitized program.
  for (const char* name : kSanitizerOptions) {
    if (const char* v = getenv(name)) env.push_back(absl::StrCat(name, "=", v));
  }
  if (auto extra = ReadFile(case_dir / "env")) {
    for (absl::string_view line : absl::StrSplit(*extra, '\n', absl::SkipEmpty())) {
      env.emplace_back(line);
    }
  }
  return env;
}

// ---------------------------------------------------------------- running a process

struct ProcessResult {
  std::string out;
  std::string err;
  int status = 0;
  bool timed_out = false;
};

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// Child side of RunShell: only async-signal-safe calls between fork and exec.
[[noreturn]] void ExecChild(const char* cwd, int out_fd, int err_fd, char** argv,
                            char** envp) {
  setpgid(0, 0);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0 || chdir(cwd) != 0) _exit(127);
  dup2(devnull, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  execve(argv[0], argv, envp);
  _exit(127);
}

// Reads both pipes until EOF or the deadline; returns false on timeout.
bool DrainPipes(int out_fd, int err_fd, std::chrono::steady_clock::time_point deadline,
                ProcessResult* result) {
  struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result->out, &result->err};
  int open_count = 2;
  char buf[8192];
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    int ready = poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        size_t room = kMaxCapturedBytes - std::min(kMaxCapturedBytes, sinks[i]->size());
        sinks[i]->append(buf, std::min(room, static_cast<size_t>(n)));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  return true;
}

int DecodeStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

// Runs /bin/sh with `args` in `cwd` in its own process group, stdin from /dev/null.
// Everything the child needs is prepared before fork (the runner is multi-threaded).
ProcessResult RunShell(std::vector<std::string> args, const fs::path& cwd,
                       std::vector<std::string> env, int timeout_secs) {
  args.insert(args.begin(), "/bin/sh");
  std::vector<char*> argv = CStrings(args);
  std::vector<char*> envp = CStrings(env);
  std::string cwd_str = cwd.string();
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    perror("pipe2");
    exit(3);
  }
  pid_t pid;
  {
    std::lock_guard<std::mutex> lock(g_fork_mutex);
    pid = fork();
  }
  if (pid == 0) ExecChild(cwd_str.c_str(), out_pipe[1], err_pipe[1], argv.data(), envp.data());
  setpgid(pid, pid);  // also done by the child; whichever runs first wins
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProcessResult result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_secs);
  result.timed_out = !DrainPipes(out_pipe[0], err_pipe[0], deadline, &result);
  kill(-pid, SIGKILL);  // on timeout, and to reap stragglers that closed their output
  int wait_status = 0;
  waitpid(pid, &wait_status, 0);
  close(out_pipe[0]);
  close(err_pipe[0]);
  result.status = DecodeStatus(wait_status);
  return result;
}

// ---------------------------------------------------------------- normalisation

class Normaliser {
 public:
  // `work` becomes @DIR@ and the sandbox around it (whose bin/ is on PATH) @SANDBOX@.
  Normaliser(const fs::path& work, bool rename_program) : rename_program_(rename_program) {
    Add(work, "@DIR@");
    Add(work.parent_path(), "@SANDBOX@");
    // Longest first so that a path is never partially replaced by a prefix of itself.
    std::sort(dirs_.begin(), dirs_.end(), [](const auto& a, const auto& b) {
      return a.first.size() > b.first.size();
    });
  }

  /// Variables the harness itself put in the environment of the program under test (the
  /// sanitizers' options, the memo switch): `-p` lists every environment variable, so their
  /// "# environment" entries are removed from its dumps before comparing.
  void SetHarnessVariables(std::vector<std::string> names) { harness_vars_ = std::move(names); }

  std::string Apply(std::string text) const {
    for (const std::string& name : harness_vars_) {
      RE2::GlobalReplace(&text, RE2("(?m)^# environment\n" + RE2::QuoteMeta(name) + " :?= .*\n"),
                         "");
    }
    for (const auto& [dir, replacement] : dirs_) {
      RE2::GlobalReplace(&text, RE2(RE2::QuoteMeta(dir)), replacement);
    }
    if (rename_program_) {
      static const RE2 kProgram("\\bkbmake\\b");
      RE2::GlobalReplace(&text, kProgram, "make");
    }
    return text;
  }

 private:
  void Add(const fs::path& dir, const char* replacement) {
    std::error_code ec;
    std::string real = fs::canonical(dir, ec).string();
    dirs_.emplace_back(dir.string(), replacement);
    if (!ec && real != dir.string()) dirs_.emplace_back(real, replacement);
  }

  std::vector<std::pair<std::string, std::string>> dirs_;
  std::vector<std::string> harness_vars_;
  bool rename_program_;
};

// ---------------------------------------------------------------- work-dir listing

std::string DescribeEntry(const fs::path& path, const std::string& rel) {
  fs::file_status status = fs::symlink_status(path);
  if (fs::is_symlink(status)) return absl::StrCat(rel, " -> ", fs::read_symlink(path).string());
  if (fs::is_directory(status)) return absl::StrCat(rel, "/");
  if (fs::is_regular_file(status)) {
    std::string content = ReadFile(path).value_or("");
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx",
             static_cast<unsigned long long>(Fnv1a64(content)));
    return absl::StrCat(rel, " ", content.size(), " ", hash);
  }
  return absl::StrCat(rel, " (special)");
}

std::string ListFiles(const fs::path& work) {
  std::vector<std::string> lines;
  auto options = fs::directory_options::skip_permission_denied;
  for (auto it = fs::recursive_directory_iterator(work, options);
       it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = fs::relative(it->path(), work).string();
    lines.push_back(DescribeEntry(it->path(), rel));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& line : lines) absl::StrAppend(&out, line, "\n");
  return out;
}

// ---------------------------------------------------------------- running one case

std::string ReadCommand(const fs::path& case_dir, const std::string& program) {
  std::string cmd = FirstLine(ReadFile(case_dir / "cmd").value_or("@MAKE@"));
  if (cmd.empty()) cmd = "@MAKE@";
  RE2::GlobalReplace(&cmd, "@MAKE@", program);
  return cmd;
}

// Makes sure nothing (e.g. chmod 000 in a case) prevents the sandbox's removal.
void RemoveTree(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory() && !it->is_symlink()) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(dir, ec);
}

Outcome RunCaseIn(const Case& c, const Options& opt, const fs::path& tmp) {
  const std::string program = opt.record ? "make" : "kbmake";
  fs::path work = tmp / "work";
  fs::create_directory(work);
  fs::path bin = MakeBinDir(tmp, opt.make_path, program);
  std::vector<std::string> env = BuildEnv(bin, work, c.dir);
  if (opt.shell_memo && !opt.record) {
    // The memo file lives outside the work dir, so the file listing is unchanged.
    env.push_back("KBMAKE_SHELL_CACHE=1");
    env.push_back(absl::StrCat("XDG_CACHE_HOME=", (tmp / "cache").string()));
  }
  Outcome outcome;
  CopyInputs(c.dir, work);
  if (fs::exists(c.dir / "setup.sh")) {
    ProcessResult setup = RunShell({(c.dir / "setup.sh").string()}, work, env, opt.timeout_secs);
    if (setup.timed_out || setup.status != 0) {
      outcome.error = absl::StrCat("setup.sh failed (status ", setup.status, "): ", setup.err);
      return outcome;
    }
  }
  ProcessResult run = RunShell({"-c", ReadCommand(c.dir, program)}, work, env, opt.timeout_secs);
  if (run.timed_out) outcome.error = absl::StrCat("timeout after ", opt.timeout_secs, " s");
  Normaliser norm(work, !opt.record);
  std::vector<std::string> harness;
  for (const char* name : kSanitizerOptions) {
    if (getenv(name) != nullptr) harness.push_back(name);
  }
  if (opt.shell_memo && !opt.record) {
    harness.push_back("KBMAKE_SHELL_CACHE");
    harness.push_back("XDG_CACHE_HOME");
  }
  norm.SetHarnessVariables(std::move(harness));
  outcome.stdout_text = norm.Apply(run.out);
  outcome.stderr_text = norm.Apply(run.err);
  outcome.status = absl::StrCat(run.status, "\n");
  outcome.files = norm.Apply(ListFiles(work));
  return outcome;
}

Outcome RunCase(const Case& c, const Options& opt) {
  std::string templ = (fs::temp_directory_path() / "kbconf.XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) {
    Outcome failed;
    failed.error = "mkdtemp failed";
    return failed;
  }
  fs::path tmp = fs::canonical(templ);
  Outcome outcome;
  try {
    outcome = RunCaseIn(c, opt, tmp);
  } catch (const std::exception& e) {
    outcome.error = absl::StrCat("harness error: ", e.what());
  }
  RemoveTree(tmp);
  return outcome;
}

// ---------------------------------------------------------------- comparison and reporting

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string DiffLine(const char* marker, const std::string& line) {
  if (line.size() <= kDiffLineWidth) return absl::StrCat(marker, line);
  return absl::StrCat(marker, line.substr(0, kDiffLineWidth), "...");
}

// A unified-style diff of the differing middle part (common prefix/suffix stripped).
std::string ShortDiff(const std::string& expected, const std::string& actual, int max_lines) {
  std::vector<std::string> a = Lines(expected), b = Lines(actual);
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix + prefix < a.size() && suffix + prefix < b.size() &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::vector<std::string> out;
  out.push_back(absl::StrCat("  @@ line ", prefix + 1, " @@"));
  if (prefix > 0) out.push_back(DiffLine("   ", a[prefix - 1]));
  for (size_t i = prefix; i + suffix < a.size(); ++i) out.push_back(DiffLine("  -", a[i]));
  for (size_t i = prefix; i + suffix < b.size(); ++i) out.push_back(DiffLine("  +", b[i]));
  if (expected != actual && a == b) out.push_back("  (difference in trailing newline)");
  if (static_cast<int>(out.size()) > max_lines) {
    out.resize(max_lines);
    out.push_back("  ...");
  }
  return absl::StrCat(absl::StrJoin(out, "\n"), "\n");
}

// Returns the diff text for all differing parts; empty if the outcome matches.
std::string CompareWithExpected(const Case& c, const Outcome& got, int max_lines) {
  const std::pair<const char*, const std::string*> parts[] = {
      {"stdout", &got.stdout_text},
      {"stderr", &got.stderr_text},
      {"status", &got.status},
      {"files", &got.files}};
  kbconf::CompareMode mode = kbconf::CompareMode::kExact;
  if (std::optional<std::string> text = ReadFile(c.dir / "compare")) {
    std::optional<kbconf::CompareMode> parsed = kbconf::ParseCompareMode(*text);
    if (!parsed) return absl::StrCat("  unknown mode in compare: ", FirstLine(*text), "\n");
    mode = *parsed;
  }
  std::string report;
  int budget = max_lines;
  for (const auto& [name, actual_text] : parts) {
    std::optional<std::string> expected = ReadFile(c.dir / "expected" / name);
    if (!expected) return absl::StrCat("  missing expected/", name, " (not recorded?)\n");
    const std::string* actual = actual_text;
    std::string canonical;
    if (mode != kbconf::CompareMode::kExact && std::string_view(name) == "stdout") {
      const bool sorted = mode == kbconf::CompareMode::kSectionsAsSets;
      *expected = kbconf::CanonicalDataBaseOutput(*expected, sorted);
      canonical = kbconf::CanonicalDataBaseOutput(*actual, sorted);
      actual = &canonical;
    }
    if (*expected == *actual) continue;
    if (budget <= 0) break;
    std::string diff = ShortDiff(*expected, *actual, budget);
    budget -= static_cast<int>(std::count(diff.begin(), diff.end(), '\n')) + 1;
    absl::StrAppend(&report, "  ", name, " differs:\n", diff);
  }
  return report;
}

CaseReport Record(const Case& c, const Outcome& got) {
  if (!got.error.empty()) return {Verdict::kFail, absl::StrCat("FAIL ", c.name, ": ", got.error, "\n")};
  fs::path dir = c.dir / "expected";
  fs::create_directories(dir);
  bool ok = WriteFile(dir / "stdout", got.stdout_text) &&
            WriteFile(dir / "stderr", got.stderr_text) &&
            WriteFile(dir / "status", got.status) && WriteFile(dir / "files", got.files);
  if (!ok) return {Verdict::kFail, absl::StrCat("FAIL ", c.name, ": cannot write expected/\n")};
  return {Verdict::kRecorded, ""};
}

CaseReport Judge(const Case& c, const Outcome& got, const Options& opt) {
  std::optional<std::string> xfail = ReadFile(c.dir / "xfail");
  int max_lines = opt.verbose ? 100000 : kDiffLinesPerCase;
  std::string diff = got.error.empty() ? CompareWithExpected(c, got, max_lines)
                                       : absl::StrCat("  ", got.error, "\n");
  if (diff.empty()) {
    if (xfail) return {Verdict::kXPass, absl::StrCat("XPASS ", c.name, "\n")};
    return {Verdict::kPass, ""};
  }
  if (xfail) {
    std::string text = opt.verbose ? absl::StrCat("XFAIL ", c.name, ": ", FirstLine(*xfail), "\n")
                                   : "";
    return {Verdict::kXFail, text};
  }
  return {Verdict::kFail, absl::StrCat("FAIL ", c.name, "\n", diff)};
}

std::vector<CaseReport> RunAll(const std::vector<Case>& cases, const Options& opt) {
  std::vector<CaseReport> reports(cases.size());
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    for (size_t i = next++; i < cases.size(); i = next++) {
      Outcome got = RunCase(cases[i], opt);
      reports[i] = opt.record ? Record(cases[i], got) : Judge(cases[i], got, opt);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < opt.jobs; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return reports;
}

int Summarise(const std::vector<CaseReport>& reports, const Options& opt) {
  int passed = 0, failed = 0, xfailed = 0, recorded = 0;
  for (const auto& r : reports) {
    std::cout << r.text;
    switch (r.verdict) {
      case Verdict::kPass:
      case Verdict::kXPass: ++passed; break;
      case Verdict::kFail: ++failed; break;
      case Verdict::kXFail: ++xfailed; break;
      case Verdict::kRecorded: ++recorded; break;
    }
  }
  std::cout << reports.size() << " cases\n";
  if (opt.record) {
    std::cout << recorded << " recorded, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
  }
  std::cout << "(" << xfailed << " expected failures)\n";
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> opt = ParseArgs(argc, argv);
  if (!opt) {
    Usage();
    return 2;
  }
  if (!fs::is_directory(opt->testdata) || !fs::exists(opt->make_path)) {
    std::cerr << "kbmake-conformance: no such testdata dir or make program\n";
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  std::vector<Case> cases = DiscoverCases(*opt);
  return Summarise(RunAll(cases, *opt), *opt);
}
