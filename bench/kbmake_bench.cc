// Engine micro-benchmarks: reading a large generated makefile, expanding a deep chain of
// recursive variables, and function-heavy expansion over thousands of words.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "kbmake/base/bigstack.h"
#include "kbmake/exec/process.h"
#include "kbmake/make.h"

namespace {

std::unique_ptr<kbmake::Make> NewMake() {
  auto m = std::make_unique<kbmake::Make>(kbmake::Options(), "make", 0,
                                          std::vector<std::string>{"PATH=/usr/bin:/bin"});
  m->shell_hook_ = [](std::string_view, int* st) {
    *st = 0;
    return std::string();
  };
  m->DefineStartupVariables();
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
