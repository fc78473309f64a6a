// libFuzzer target: evaluates the input as makefile text in a fresh Make instance, then
// formats the data base as -p prints it.
//
// Containment: no process is ever started (a fake ProcessRunner refuses to start anything and
// $(shell)/!= go to a shell_hook_ that returns ""), the goals are never built (only
// EvalString runs), and the current directory is a private temporary directory that is emptied
// after every input. $(file >...) is the only way makefile text can write a file; the engine's
// fopen() is wrapped at link time (-Wl,--wrap=fopen) so that writes are allowed only to
// relative paths without "..", i.e. inside that directory.
//
// `load`: inputs may load one object, fuzz/fuzz_plugin.c, linked into the temp directory as
// fuzzplugin.so before every input, with its setup functions; Make::load_filter_ refuses every
// other file and symbol (GNU make would call any symbol `load x(sym)` names), and the fopen()
// wrapper refuses to write through a symbolic link, so $(file >fuzzplugin.so) cannot
// overwrite the object.
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kbmake/base/bigstack.h"
#include "kbmake/base/loc.h"
#include "kbmake/exec/process.h"
#include "kbmake/make.h"
#include "kbmake/rules/database_print.h"

extern "C" FILE* __real_fopen(const char* path, const char* mode);

// Set only on the thread that evaluates the input: libFuzzer itself also calls fopen() (corpus
// and crash files) and must not be restricted.
static thread_local bool t_evaluating = false;
// libFuzzer's -artifact_prefix: a sanitizer report on the evaluating thread makes libFuzzer
// write the crashing input from that thread, which must stay allowed.
static std::string g_artifact_prefix;

extern "C" FILE* __wrap_fopen(const char* path, const char* mode) {
  bool writes = t_evaluating && strpbrk(mode, "wa+") != nullptr;
  if (writes) {
    std::string p = path ? path : "";
    bool ok = !p.empty() && p[0] != '/' && p.find("..") == std::string::npos;
    struct stat st;
    if (ok && lstat(p.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) ok = false;
    if (!g_artifact_prefix.empty() && p.compare(0, g_artifact_prefix.size(), g_artifact_prefix) == 0 &&
        p.find("..") == std::string::npos) {
      ok = true;
    }
    if (!ok) {
      errno = EACCES;
      return nullptr;
    }
  }
  return __real_fopen(path, mode);
}

namespace {

class NoProcessRunner : public kbmake::ProcessRunner {
 public:
  int Start(const kbmake::ProcessSpec&) override {
    errno = EPERM;
    return -1;
  }
  bool Wait(bool, kbmake::ProcessExit*) override {
    errno = ECHILD;
    return false;
  }
  void Signal(int, int) override {}
};

std::string g_dir;

int RemoveEntry(const char* path, const struct stat*, int, struct FTW* ftw) {
  if (ftw->level > 0) remove(path);
  return 0;
}

void EmptyDir() { nftw(g_dir.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS); }

void RemoveDir() {
  EmptyDir();
  if (chdir("/") == 0) rmdir(g_dir.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  for (int i = 1; i < *argc; ++i) {
    if (strncmp((*argv)[i], "-artifact_prefix=", 17) == 0) g_artifact_prefix = (*argv)[i] + 17;
  }
  const char* tmp = getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/kbmake-fuzz-XXXXXX";
  std::vector<char> t(tmpl.begin(), tmpl.end());
  t.push_back('\0');
  if (!mkdtemp(t.data()) || chdir(t.data()) != 0) {
    perror("kbmake fuzz: temp dir");
    abort();
  }
  g_dir = t.data();
  atexit(RemoveDir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (symlink(KBMAKE_FUZZ_PLUGIN, "fuzzplugin.so") != 0 && errno != EEXIST) {
    perror("kbmake fuzz: fuzzplugin.so");
    abort();
  }
  {
    kbmake::Options opts;
    kbmake::Make make(opts, "make", 0, {"PATH=/usr/bin:/bin", "HOME=/nonexistent"},
                      std::make_unique<NoProcessRunner>());
    // Unbounded $(call)/$(eval) recursion would take seconds under ASan to reach the normal
    // limit (20000); a lower one reaches the same error path quickly.
    make.set_max_expansion_depth(1000);
    make.set_load_filter([](const std::string& file, const std::string& symbol) {
      return file == "fuzzplugin.so" &&
             (symbol == "fuzzplugin_gmk_setup" || symbol == "fuzzplugin_eval_setup" ||
              symbol == "fuzzplugin_fail_setup" || symbol == "fuzzplugin_noremake_setup");
    });
    make.set_shell_hook([](std::string_view, int* status) {
      *status = 0;
      return std::string();
    });
    kbmake::RunWithBigStack([&] {
      t_evaluating = true;
      try {
        make.set_starting_dir(g_dir);
        make.DefineInitialState();
        const std::string* name = make.InternFileName("Makefile");
        kbmake::Loc loc{name, 1};
        make.EvalString(text, &loc);
        // What -p prints after the makefiles are read (ReadAndBuild's steps before building),
        // formatted and thrown away: the printer walks every variable, rule and file the input
        // created.
        make.FinishReading();
        std::string db = kbmake::FormatDataBase(make, true);
        if (getenv("KBMAKE_FUZZ_PRINT")) fwrite(db.data(), 1, db.size(), stderr);
      } catch (const kbmake::FatalError& e) {
        if (getenv("KBMAKE_FUZZ_VERBOSE")) fprintf(stderr, "%s\n", e.message.c_str());
      }
      t_evaluating = false;
    });
  }
  EmptyDir();
  return 0;
}
