#include "kbmake/cli/options.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "kbmake/base/strutil.h"
#include "parser/assignment.h"

namespace kbmake {
namespace {

bool IsDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

struct LongOpt {
  const char* name;
  char short_equiv;  // 0: long-only, handled by name
  int arg;           // 0 none, 1 required, 2 optional
  int val;           // getopt's val: the short option, or GNU's CHAR_MAX+N for a long-only one
  int kind;          // GNU's switch type (for the "non-empty string" check), kOther if none
};

enum Kind { kOther, kString };  // string, strlist or filename: an empty argument is an error

// GNU make 4.3's long options in the order of its getopt table (its switches[], then the
// aliases): the order in which getopt lists an ambiguous abbreviation's possibilities. Two
// names are the same option for getopt when `arg` and `val` agree.
const LongOpt kLongOpts[] = {
    {"always-make", 'B', 0, 'B', kOther},
    {"directory", 'C', 1, 'C', kString},
    {"debug", 0, 2, 128, kString},
    {"environment-overrides", 'e', 0, 'e', kOther},
    {"eval", 'E', 1, 'E', kString},
    {"file", 'f', 1, 'f', kString},
    {"help", 'h', 0, 'h', kOther},
    {"ignore-errors", 'i', 0, 'i', kOther},
    {"include-dir", 'I', 1, 'I', kString},
    {"just-print", 'n', 0, 'n', kOther},
    {"jobs", 'j', 2, 'j', kOther},
    {"jobserver-auth", 0, 1, 129, kString},
    {"keep-going", 'k', 0, 'k', kOther},
    {"load-average", 'l', 2, 'l', kOther},
    {"check-symlink-times", 'L', 0, 'L', kOther},
    {"old-file", 'o', 1, 'o', kString},
    {"output-sync", 'O', 2, 'O', kString},
    {"print-data-base", 'p', 0, 'p', kOther},
    {"question", 'q', 0, 'q', kOther},
    {"no-builtin-rules", 'r', 0, 'r', kOther},
    {"no-builtin-variables", 'R', 0, 'R', kOther},
    {"silent", 's', 0, 's', kOther},
    {"no-keep-going", 'S', 0, 'S', kOther},
    {"touch", 't', 0, 't', kOther},
    {"trace", 0, 0, 130, kOther},
    {"version", 'v', 0, 'v', kOther},
    {"print-directory", 'w', 0, 'w', kOther},
    {"no-print-directory", 0, 0, 131, kOther},
    {"what-if", 'W', 1, 'W', kString},
    {"warn-undefined-variables", 0, 0, 132, kOther},
    {"sync-mutex", 0, 1, 133, kString},
    {"no-silent", 0, 0, 134, kOther},
    {"jobserver-fds", 0, 1, 135, kString},
    // The aliases.
    {"quiet", 's', 0, 's', kOther},
    {"stop", 'S', 0, 'S', kOther},
    {"new-file", 'W', 1, 'W', kString},
    {"assume-new", 'W', 1, 'W', kString},
    {"assume-old", 'o', 1, 'o', kString},
    {"max-load", 'l', 2, 'l', kOther},
    {"dry-run", 'n', 0, 'n', kOther},
    {"recon", 'n', 0, 'n', kOther},
    {"makefile", 'f', 1, 'f', kString},
};

// kbmake's own: matched only when written in full (never passed on in MAKEFLAGS), so GNU
// make's abbreviations keep their meaning (--no-s is still --no-silent).
const LongOpt kKbmakeOpts[] = {
    {"build-trace", 0, 1, 200, kOther}, {"summary", 0, 0, 201, kOther},
    {"graph", 0, 1, 202, kOther},       {"explain", 0, 0, 203, kOther},
    {"build-log", 0, 2, 204, kOther},   {"shell-cache", 0, 0, 205, kOther},
    {"no-shell-cache", 0, 0, 206, kOther}, {"status", 0, 2, 207, kOther},
    {"compdb", 0, 1, 208, kOther},
};

/// Applies one option; `arg` is its argument (possibly empty for optional ones).
void Apply(char c, const std::string& longname, const std::string& arg, bool has_arg,
           bool from_env, Options* o) {
  switch (c) {
    case 'd': o->debug_all = true; break;
    case 'b': case 'm': break;
    case 'B': o->always_make = true; break;
    case 'C': if (!from_env) o->directories.push_back(arg); break;
    case 'e': o->env_overrides = true; break;
    case 'E': o->evals.push_back(arg); break;
    case 'f': if (!from_env) o->makefiles.push_back(arg); break;
    case 'h': o->help = true; break;
    case 'i': o->ignore_errors = true; break;
    case 'I': {
      // A file-name option: "~" is expanded and leading "./" (and the slashes after it) go,
      // as in GNU make.
      std::string expanded =
          !arg.empty() && arg[0] == '~' ? ExpandTilde(arg, o->home ? &*o->home : nullptr) : arg;
      std::string_view d = expanded;
      while (d.size() > 2 && d[0] == '.' && d[1] == '/') {
        d.remove_prefix(2);
        while (d.size() > 1 && d[0] == '/') d.remove_prefix(1);
      }
      o->include_dirs.emplace_back(d);
      break;
    }
    case 'j':
      o->jobs = has_arg && !arg.empty() ? atoi(arg.c_str()) : 0;
      o->jobs_given = true;
      break;
    case 'k': o->keep_going = true; break;
    case 'l': o->max_load = has_arg && !arg.empty() ? atof(arg.c_str()) : -1; break;
    case 'L': o->check_symlinks = true; break;
    case 'n': o->dry_run = true; break;
    case 'o': if (!from_env) o->old_files.push_back(arg); break;
    case 'O': o->output_sync = has_arg && !arg.empty() ? arg : "target"; break;
    case 'p': o->print_data_base = true; break;
    case 'q': o->question = true; break;
    case 'r': o->no_builtin_rules = true; break;
    case 'R': o->no_builtin_vars = true; break;
    case 's': o->silent = true; break;
    case 'S': o->keep_going = false; break;
    case 't': o->touch = true; break;
    case 'v': o->print_version = true; break;
    case 'w': o->print_directory = true; break;
    case 'W': if (!from_env) o->new_files.push_back(arg); break;
    case 0:
      if (longname == "debug") {
        o->debug = has_arg && !arg.empty() ? arg : "basic";
      } else if (longname == "no-silent") {
        o->silent = false;
      } else if (longname == "trace") {
        o->trace = true;
      } else if (longname == "no-print-directory") {
        o->no_print_directory = true;
      } else if (longname == "warn-undefined-variables") {
        o->warn_undefined = true;
      } else if (longname == "build-trace") {
        if (!from_env) o->build_trace = arg;
      } else if (longname == "graph") {
        if (!from_env) o->graph = arg;
      } else if (longname == "summary") {
        if (!from_env) o->summary = true;
      } else if (longname == "status") {
        if (!from_env) o->status = has_arg && !arg.empty() ? arg : "lines";
      } else if (longname == "compdb") {
        if (!from_env) o->compdb = arg;
      } else if (longname == "explain") {
        if (!from_env) o->explain = true;
      } else if (longname == "build-log") {
        if (!from_env) {
          o->build_log_given = true;
          o->build_log = arg;
        }
      } else if (longname == "shell-cache" || longname == "no-shell-cache") {
        if (!from_env) o->shell_cache = longname == "shell-cache";
      } else if (longname == "sync-mutex") {
        o->sync_mutex = arg;
      } else if (longname == "jobserver-auth" || longname == "jobserver-fds") {
        o->jobserver_auth = arg;
      }
      break;
    default: break;
  }
}

/// Whether `-j`/`-l` without an attached argument takes the next word as one: GNU make takes
/// a number for -j, and for -l any word starting with a digit or '.' (read with atof).
bool TakesNextWord(char c, const std::string& next) {
  if (c == 'l') {
    return !next.empty() && (isdigit(static_cast<unsigned char>(next[0])) || next[0] == '.');
  }
  return IsDigits(next);
}

// GNU make's switches that are not taken from the environment (their `env` field is 0):
// Apply ignores them from MAKEFLAGS, and GNU checks nothing else about them there.
bool IgnoredFromEnv(char c) { return c == 'C' || c == 'f' || c == 'o' || c == 'W' || c == 'h'; }

constexpr const char* kShortWithArg = "CEfIoW";
constexpr const char* kShortOptArg = "jlO";
constexpr const char* kShortNoArg = "bmBdehikLnpqrRsStvw";

}  // namespace

ParseResult DecodeSwitches(const std::vector<std::string>& args, bool from_env, Options* o,
                           std::vector<SwitchError>* errors) {
  // As GNU make's decode_switches with getopt_long: every argument is decoded, errors are
  // collected (getopt's own are not reported for the environment), and the caller dies
  // after the command line's only.
  bool bad = false;
  auto getopt_error = [&](std::string text) {
    bad = true;
    if (!from_env) errors->push_back(SwitchError{true, std::move(text)});
  };
  auto make_error = [&](std::string text) {
    bad = true;
    errors->push_back(SwitchError{false, std::move(text)});
  };
  // GNU make's check of a string, list or file-name option's argument.
  auto empty_string = [&](const LongOpt* lo, char c) {
    std::string opt = lo != nullptr && lo->short_equiv == 0 ? "--" + std::string(lo->name)
                                                            : std::string("-") + c;
    make_error("the '" + opt + "' option requires a non-empty string argument");
  };
  auto bad_jobs = [&] { make_error("the '-j' option requires a positive integer argument"); };
  bool only_args = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_args || a.size() < 2 || a[0] != '-') {
      if (a == "-") continue;  // a lone "-" is ignored (GNU's handle_non_switch_argument)
      // A variable definition if GNU's parse_variable_definition says so, else a goal.
      VarDef def;
      if (ParseVariableDefinition(a, 0, &def)) {
        o->cmdline_vars.push_back(a);
      } else if (!from_env) {
        o->goals.push_back(a);
      }
      continue;
    }
    if (a == "--") {
      only_args = true;
      continue;
    }
    if (a[1] == '-') {
      std::string body = a.substr(2);
      std::string name = body, value;
      bool has_value = false;
      size_t eq = body.find('=');
      if (eq != std::string::npos) {
        name = body.substr(0, eq);
        value = body.substr(eq + 1);
        has_value = true;
      }
      // An exact name first (kbmake's own included), then GNU's unambiguous abbreviations.
      const LongOpt* match = nullptr;
      for (const LongOpt& lo : kLongOpts)
        if (name == lo.name) match = &lo;
      for (const LongOpt& lo : kKbmakeOpts)
        if (name == lo.name) match = &lo;
      if (match == nullptr) {
        std::vector<const LongOpt*> found;
        bool ambiguous = false;
        for (const LongOpt& lo : kLongOpts) {
          if (strncmp(lo.name, name.c_str(), name.size()) != 0) continue;
          if (!found.empty() && (found[0]->arg != lo.arg || found[0]->val != lo.val))
            ambiguous = true;
          found.push_back(&lo);
        }
        if (ambiguous) {
          std::string msg = "option '" + a + "' is ambiguous; possibilities:";
          for (const LongOpt* lo : found) msg += " '--" + std::string(lo->name) + "'";
          getopt_error(msg);
          continue;
        }
        if (!found.empty()) match = found[0];
      }
      if (match == nullptr) {
        getopt_error("unrecognized option '" + a + "'");
        continue;
      }
      if (match->arg == 0 && has_value) {
        getopt_error("option '--" + std::string(match->name) + "' doesn't allow an argument");
        continue;
      }
      if (match->arg == 1 && !has_value) {
        if (i + 1 >= args.size()) {
          getopt_error("option '--" + std::string(match->name) + "' requires an argument");
          continue;
        }
        value = args[++i];
        has_value = true;
      }
      if (match->arg == 2 && !has_value && (match->short_equiv == 'j' ||
                                             match->short_equiv == 'l')) {
        if (i + 1 < args.size() && TakesNextWord(match->short_equiv, args[i + 1])) {
          value = args[++i];
          has_value = true;
        }
      }
      if (match->kind == kString && has_value && value.empty()) {
        // GNU checks this only for options it takes from where they are (not -f from the
        // environment, say): Apply ignores the others the same way.
        if (!from_env || !IgnoredFromEnv(match->short_equiv)) empty_string(match, 0);
        continue;
      }
      if (match->short_equiv == 'j' && has_value && (!IsDigits(value) || atoi(value.c_str()) <= 0)) {
        bad_jobs();
        continue;
      }
      Apply(match->short_equiv, match->name, value, has_value, from_env, o);
      continue;
    }
    // A cluster of short options.
    for (size_t k = 1; k < a.size(); ++k) {
      char c = a[k];
      if (strchr(kShortNoArg, c)) {
        Apply(c, "", "", false, from_env, o);
        continue;
      }
      if (strchr(kShortWithArg, c)) {
        std::string v;
        if (k + 1 < a.size()) {
          v = a.substr(k + 1);
        } else if (i + 1 < args.size()) {
          v = args[++i];
        } else {
          getopt_error(std::string("option requires an argument -- '") + c + "'");
          break;
        }
        if (v.empty()) {
          if (!from_env || !IgnoredFromEnv(c)) empty_string(nullptr, c);
          break;
        }
        Apply(c, "", v, true, from_env, o);
        break;
      }
      if (strchr(kShortOptArg, c)) {
        std::string v;
        bool has = false;
        if (k + 1 < a.size()) {
          v = a.substr(k + 1);
          has = true;
        } else if (c != 'O' && i + 1 < args.size() && TakesNextWord(c, args[i + 1])) {
          v = args[++i];
          has = true;
        }
        if (c == 'j' && has && (!IsDigits(v) || atoi(v.c_str()) <= 0)) {
          bad_jobs();
          break;
        }
        Apply(c, "", v, has, from_env, o);
        break;
      }
      getopt_error(std::string("invalid option -- '") + c + "'");
    }
  }
  // From the environment nothing is fatal (GNU dies only for the command line).
  return bad && !from_env ? ParseResult::kError : ParseResult::kOk;
}

bool DecodeDebugFlags(const Options& opts, int* level, std::string* bad) {
  int l = opts.debug_all ? kDbAll : 0;
  const std::string& s = opts.debug;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ',' || s[i] == ' ')) ++i;
    if (i >= s.size()) break;
    switch (tolower(static_cast<unsigned char>(s[i]))) {
      case 'a': l |= kDbAll; break;
      case 'b': l |= kDbBasic; break;
      case 'i': l |= kDbBasic | kDbImplicit; break;
      case 'j': l |= kDbJobs; break;
      case 'm': l |= kDbBasic | kDbMakefiles; break;
      case 'n': l = 0; break;
      case 'v': l |= kDbBasic | kDbVerbose; break;
      default:
        *bad = s.substr(i);
        return false;
    }
    while (i < s.size() && s[i] != ',' && s[i] != ' ') ++i;
  }
  *level = l;
  return true;
}

std::vector<std::string> SplitMakeflags(const std::string& value) {
  std::vector<std::string> words;
  std::string cur;
  bool have = false;
  size_t i = 0;
  while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
  for (; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && i + 1 < value.size()) {
      cur.push_back(value[++i]);
      have = true;
      continue;
    }
    if (c == ' ' || c == '\t') {
      if (have) words.push_back(cur);
      cur.clear();
      have = false;
      continue;
    }
    cur.push_back(c);
    have = true;
  }
  if (have) words.push_back(cur);
  if (!words.empty() && words[0][0] != '-' && words[0].find('=') == std::string::npos) {
    words[0] = "-" + words[0];
  }
  return words;
}

std::string UsageText(const std::string& p) {
  return "Usage: " + p + " [options] [target] ...\n" + R"(Options:
  -b, -m                      Ignored for compatibility.
  -B, --always-make           Unconditionally make all targets.
  -C DIRECTORY, --directory=DIRECTORY
                              Change to DIRECTORY before doing anything.
  -d                          Print lots of debugging information.
  --debug[=FLAGS]             Print various types of debugging information.
  -e, --environment-overrides
                              Environment variables override makefiles.
  -E STRING, --eval=STRING    Evaluate STRING as a makefile statement.
  -f FILE, --file=FILE, --makefile=FILE
                              Read FILE as a makefile.
  -h, --help                  Print this message and exit.
  -i, --ignore-errors         Ignore errors from recipes.
  -I DIRECTORY, --include-dir=DIRECTORY
                              Search DIRECTORY for included makefiles.
  -j [N], --jobs[=N]          Allow N jobs at once; infinite jobs with no arg.
  -k, --keep-going            Keep going when some targets can't be made.
  -l [N], --load-average[=N], --max-load[=N]
                              Don't start multiple jobs unless load is below N.
  -L, --check-symlink-times   Use the latest mtime between symlinks and target.
  -n, --just-print, --dry-run, --recon
                              Don't actually run any recipe; just print them.
  -o FILE, --old-file=FILE, --assume-old=FILE
                              Consider FILE to be very old and don't remake it.
  -O[TYPE], --output-sync[=TYPE]
                              Synchronize output of parallel jobs by TYPE.
  -p, --print-data-base       Print make's internal database.
  -q, --question              Run no recipe; exit status says if up to date.
  -r, --no-builtin-rules      Disable the built-in implicit rules.
  -R, --no-builtin-variables  Disable the built-in variable settings.
  -s, --silent, --quiet       Don't echo recipes.
  --no-silent                 Echo recipes (disable --silent mode).
  -S, --no-keep-going, --stop
                              Turns off -k.
  -t, --touch                 Touch targets instead of remaking them.
  --trace                     Print tracing information.
  -v, --version               Print the version number of make and exit.
  -w, --print-directory       Print the current directory.
  --no-print-directory        Turn off -w, even if it was turned on implicitly.
  -W FILE, --what-if=FILE, --new-file=FILE, --assume-new=FILE
                              Consider FILE to be infinitely new.
  --warn-undefined-variables  Warn when an undefined variable is referenced.

This program built for x86_64-pc-linux-gnu
Report bugs to <bug-make@gnu.org>
)";
}

}  // namespace kbmake
