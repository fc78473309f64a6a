// Engine micro-benchmarks: reading a large generated makefile, reading shared makefiles with
// and without the parse cache, reading Kbuild-style `.cmd` files, expanding a deep chain of
// recursive variables, function-heavy expansion over thousands of words, and a recursive
// build of many directories run by the kbmake binary with sub-makes in-process or as
// processes (what one sub-make costs).
#include <benchmark/benchmark.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "kbmake/base/bigstack.h"
#include "kbmake/exec/process.h"
#include "kbmake/make.h"
#include "parser/parsed_makefile.h"

namespace {

std::unique_ptr<kbmake::Make> NewMake(kbmake::ParseCache* parses = nullptr) {
  kbmake::InstanceSetup setup;
  setup.parses = parses;
  auto m = std::make_unique<kbmake::Make>(kbmake::Options(), "make", 0,
                                          std::vector<std::string>{"PATH=/usr/bin:/bin"},
                                          nullptr, std::move(setup));
  m->set_shell_hook([](std::string_view, int* st) {
    *st = 0;
    return std::string();
  });
  m->DefineInitialState();
  return m;
}

// A makefile shaped like a real build: per-directory variables, target-specific variables,
// explicit rules with recipes, pattern rules, conditionals and a define used with eval.
std::string LargeMakefile(int n) {
  std::string s;
  s += "CC = gcc\nCFLAGS := -O2 -Wall\n";
  s += "define objrule\n$(1)/%.o: $(1)/%.c\n\t$$(CC) $$(CFLAGS) -c $$< -o $$@\nendef\n";
  for (int d = 0; d < 20; ++d) s += "$(eval $(call objrule,dir" + std::to_string(d) + "))\n";
  for (int i = 0; i < n; ++i) {
    std::string t = "dir" + std::to_string(i % 20) + "/file" + std::to_string(i);
    s += "objs += " + t + ".o\n";
    s += t + ".o: " + t + ".c " + t + ".h | dir" + std::to_string(i % 20) + "\n";
    if (i % 10 == 0) s += t + ".o: CFLAGS += -DSPECIAL=" + std::to_string(i) + "\n";
    if (i % 50 == 0) {
      s += "ifeq ($(CC),gcc)\nflag" + std::to_string(i) + " := yes\nelse\nflag" +
           std::to_string(i) + " := no\nendif\n";
    }
    s += "# a comment line for target " + std::to_string(i) + "\n";
  }
  s += "all: $(objs)\n\t@echo done\n";
  return s;
}

void BM_ParseEvalLargeMakefile(benchmark::State& state) {
  std::string text = LargeMakefile(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto m = NewMake();
    kbmake::Loc loc{m->InternFileName("Makefile"), 1};
    m->EvalString(text, &loc);
    benchmark::DoNotOptimize(m->LookupFile("all"));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * text.size());
  state.counters["lines"] = static_cast<double>(std::count(text.begin(), text.end(), '\n'));
}
BENCHMARK(BM_ParseEvalLargeMakefile)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

// What one Kbuild sub-make reads before it looks at its directory: a shared set of
// makefiles (here four files of assignments, functions, conditionals and pattern rules,
// about 1500 lines), read by a new make instance per iteration, as each of Kbuild's
// sub-makes does. Arg 0: every reading reads and parses the files; 1: through the
// build-wide parse cache (parser/parsed_makefile.h), as sub-makes inside one kbmake do.
// A new temporary directory for a benchmark's files ("" and the benchmark skipped if none).
std::string MakeTempDir(benchmark::State& state) {
  char tmpl[] = "/tmp/kbmake-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    state.SkipWithError("mkdtemp");
    return {};
  }
  return tmpl;
}

void BM_ReadSharedMakefiles(benchmark::State& state) {
  const std::string root = MakeTempDir(state);
  if (root.empty()) return;
  std::string names;
  for (int f = 0; f < 4; ++f) {
    std::string text = "# shared file " + std::to_string(f) + "\n";
    for (int i = 0; i < 120; ++i) {
      std::string n = std::to_string(f) + "_" + std::to_string(i);
      text += "CONFIG_OPT" + n + "=y\n";
      text += "flags" + n + " := -DOPT" + n + " $(if $(CONFIG_OPT" + n + "),-DON) \\\n"
              "    -Wall # why\n";
      text += "ifeq ($(CONFIG_OPT" + n + "),y)\nobj-y += f" + n + ".o\nendif\n";
      text += "fn" + n + " = $(patsubst %.c,%.o,$(1)) $(call other,$(2))\n";
      if (i % 10 == 0) text += "%.o" + n + ": %.c\n\t$(CC) $(flags" + n + ") -c $< -o $@\n";
    }
    std::string path = root + "/shared" + std::to_string(f) + ".mk";
    if (FILE* out = fopen(path.c_str(), "w")) {
      fwrite(text.data(), 1, text.size(), out);
      fclose(out);
    }
    names += " " + path;
  }
  // The cache keeps only files changed at least 100 ms before they are read.
  usleep(200000);
  kbmake::ParseCache cache;
  for (auto _ : state) {
    auto m = NewMake(state.range(0) == 1 ? &cache : nullptr);
    m->EvalString("include" + names + "\n", nullptr);
    benchmark::DoNotOptimize(m->Lookup("obj-y"));
  }
  state.counters["cache_hits"] = static_cast<double>(cache.hits());
  std::string rm = "rm -rf " + root;
  if (system(rm.c_str()) != 0) {
  }
}
BENCHMARK(BM_ReadSharedMakefiles)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// What Kbuild's sub-makes spend most of their reading on: `.cmd` files (each read once per
// build). Each file has the shape fixdep writes: `cmd_x := ...`, `source_x := ...`, then
// `deps_x := \` with 300 header names, every third followed by a `$(wildcard
// include/config/OPT)` line (a few of those files exist), then `x: $(deps_x)` and
// `$(deps_x):`. One iteration: a new make instance includes 50 such files (about 20,000
// lines), as a sub-make of a large directory does.
void BM_ReadCmdFiles(benchmark::State& state) {
  const std::string root = MakeTempDir(state);
  if (root.empty()) return;
  mkdir((root + "/include").c_str(), 0755);
  mkdir((root + "/include/config").c_str(), 0755);
  for (int k = 0; k < 40; k += 4) {
    std::string opt = root + "/include/config/OPT" + std::to_string(k);
    if (FILE* f = fopen(opt.c_str(), "w")) fclose(f);
  }
  std::string includes = "include";
  for (int n = 0; n < 50; ++n) {
    std::string obj = "dir/file" + std::to_string(n) + ".o";
    std::string text = "cmd_" + obj + " := gcc -Wp,-MMD,dir/.file.o.d -nostdinc -I./include" +
                       std::string(40, ' ') + "-D__KERNEL__ -O2 -c -o " + obj + " dir/file.c\n\n";
    text += "source_" + obj + " := dir/file" + std::to_string(n) + ".c\n\n";
    text += "deps_" + obj + " := \\\n";
    for (int h = 0; h < 300; ++h) {
      text += "  include/linux/header" + std::to_string((h * 7 + n) % 900) + ".h \\\n";
      if (h % 3 == 0) text += "    $(wildcard include/config/OPT" + std::to_string(h % 40) + ") \\\n";
    }
    text += "\n" + obj + ": $(deps_" + obj + ")\n\n$(deps_" + obj + "):\n";
    std::string path = root + "/.file" + std::to_string(n) + ".o.cmd";
    if (FILE* out = fopen(path.c_str(), "w")) {
      fwrite(text.data(), 1, text.size(), out);
      fclose(out);
    }
    includes += " " + path;
  }
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == nullptr || chdir(root.c_str()) != 0) {
    state.SkipWithError("chdir");
    return;
  }
  for (auto _ : state) {
    auto m = NewMake();
    m->EvalString(includes + "\n", nullptr);
    benchmark::DoNotOptimize(m->LookupFile("dir/file0.o"));
  }
  if (chdir(cwd) != 0) {
  }
  std::string rm = "rm -rf " + root;
  if (system(rm.c_str()) != 0) {
  }
}
BENCHMARK(BM_ReadCmdFiles)->Unit(benchmark::kMillisecond);

// v0 = x, v1 = $(v0)y, ... vN: expanding $(vN) recurses N levels.
void BM_DeepRecursiveChain(benchmark::State& state) {
  int n = static_cast<int>(state.range(0));
  auto m = NewMake();
  std::string text = "v0 = x\n";
  for (int i = 1; i <= n; ++i)
    text += "v" + std::to_string(i) + " = $(v" + std::to_string(i - 1) + ")y\n";
  m->EvalString(text, nullptr);
  std::string ref = "$(v" + std::to_string(n) + ")";
  for (auto _ : state) {
    std::string out = m->Expand(ref);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_DeepRecursiveChain)->Arg(100)->Arg(1000)->Arg(5000);

// foreach/patsubst/call/filter/sort over thousands of words.
void BM_FunctionHeavy(benchmark::State& state) {
  int n = static_cast<int>(state.range(0));
  auto m = NewMake();
  std::string words;
  for (int i = 0; i < n; ++i) words += "src/mod" + std::to_string(i % 97) + "/f" + std::to_string(i) + ".c ";
  m->EvalString("srcs := " + words + "\n" +
                    "to_obj = $(patsubst src/%.c,obj/%.o,$(1))\n"
                    "wrap = [$(notdir $(basename $(1)))]\n",
                nullptr);
  const std::string expr =
      "$(words $(sort $(foreach s,$(srcs),$(call to_obj,$(s)) $(call wrap,$(s)))))"
      "$(words $(filter obj/mod1%,$(patsubst src/%.c,obj/%.o,$(srcs))))"
      "$(words $(subst /, ,$(dir $(srcs))))";
  for (auto _ : state) {
    std::string out = m->Expand(expr);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_FunctionHeavy)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// A recursive build shaped like Kbuild's descent: the top makefile runs `$(MAKE) -C dK` for
// N directories, each of which reads a shared rules file and finds its three objects up to
// date. The kbmake binary built with this benchmark (KBMAKE_BINARY) runs it; the argument
// selects sub-makes inside the process (0) or one process each (1, KBMAKE_SUBMAKE=process).
void BM_RecursiveNullBuild(benchmark::State& state) {
  const int dirs = 50;
  char tmpl[] = "/tmp/kbmake-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    state.SkipWithError("mkdtemp");
    return;
  }
  const std::string root = tmpl;
  auto write = [](const std::string& path, const std::string& text) {
    FILE* f = fopen(path.c_str(), "w");
    if (f == nullptr) return;
    fwrite(text.data(), 1, text.size(), f);
    fclose(f);
  };
  std::string top = "DIRS :=";
  for (int d = 0; d < dirs; ++d) top += " d" + std::to_string(d);
  top += "\nall: $(DIRS)\n$(DIRS):\n\t@$(MAKE) -s -C $@\n.PHONY: all $(DIRS)\n";
  write(root + "/Makefile", top);
  std::string rules = "CFLAGS := -O2\nobjs := a.o b.o c.o\nall: $(objs)\n%.o: %.c\n"
                      "\t$(CC) $(CFLAGS) -c $< -o $@\n";
  for (int i = 0; i < 40; ++i) {
    rules += "v" + std::to_string(i) + " = $(patsubst %.o,%.c,$(objs)) $(CFLAGS)\n";
  }
  write(root + "/rules.mk", rules);
  for (int d = 0; d < dirs; ++d) {
    std::string dir = root + "/d" + std::to_string(d);
    mkdir(dir.c_str(), 0755);
    write(dir + "/Makefile", "include ../rules.mk\n");
    for (const char* f : {"a.c", "b.c", "c.c"}) write(dir + "/" + f, "");
    for (const char* f : {"a.o", "b.o", "c.o"}) write(dir + "/" + f, "");
  }
  const std::string mode = state.range(0) == 0 ? "inprocess" : "process";
  const std::string cmd = std::string("cd ") + root + " && KBMAKE_SUBMAKE=" + mode + " " +
                          KBMAKE_BINARY + " -s >/dev/null 2>&1";
  for (auto _ : state) {
    if (system(cmd.c_str()) != 0) {
      state.SkipWithError("kbmake failed");
      break;
    }
  }
  state.counters["submakes"] = dirs;
  std::string rm = "rm -rf " + root;
  if (system(rm.c_str()) != 0) {
  }
}
BENCHMARK(BM_RecursiveNullBuild)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // Deep chains recurse in C++; run on the same big stack as the kbmake program.
  int status = 0;
  kbmake::RunWithBigStack([&] {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
      status = 1;
      return;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  });
  return status;
}
