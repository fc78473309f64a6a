// The gnumake.h API as loaded objects see it, called directly (no dlopen): functions
// registered with gmk_add_function, and the per-instance routing of gmk_* calls when make
// instances run on several threads (in-process sub-makes). The directive itself, dlopen and
// the messages are pinned against GNU make 4.3 by testdata/load/.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <thread>

#include "kbmake/eval/gnumake_api.h"
#include "kbmake/eval/load_object.h"
#include "kbmake/make.h"
#include "test_util.h"

namespace kbmake {
namespace {

using testing_util::NewMake;

char* Copy(const std::string& s) {
  char* m = gmk_alloc(static_cast<unsigned int>(s.size() + 1));
  memcpy(m, s.c_str(), s.size() + 1);
  return m;
}

// Every argument, "argc:" then joined by '|'.
char* Join(const char* name, unsigned int argc, char** argv) {
  std::string out = std::to_string(argc) + ":";
  for (unsigned int i = 0; i < argc; ++i) out += (i ? "|" : "") + std::string(argv[i]);
  EXPECT_EQ(argv[argc], nullptr);
  return Copy(out);
}

// $(X) of whichever instance calls it, through gmk_expand.
char* ExpandX(const char*, unsigned int, char**) {
  char* e = gmk_expand("$(X)");
  char* r = Copy(e);
  gmk_free(e);
  return r;
}

char* Null(const char*, unsigned int, char**) { return nullptr; }

// Registers functions as a setup function would (the instance is current while it runs).
void RegisterFunctions(Make* m) {
  ScopedLoadInstance current(m);
  gmk_add_function("t-join", Join, 1, 2, GMK_FUNC_DEFAULT);
  gmk_add_function("t-raw", Join, 0, 0, GMK_FUNC_NOEXPAND);
  gmk_add_function("t-x", ExpandX, 0, 0, GMK_FUNC_DEFAULT);
  gmk_add_function("Odd_1.name-x", Null, 0, 0, GMK_FUNC_DEFAULT);
}

TEST(LoadedFunctionsTest, ArgumentsSplitExpandedAndCounted) {
  auto m = NewMake();
  RegisterFunctions(m.get());
  m->DefineGlobal("V", "v", Origin::kFile, false);
  EXPECT_EQ(m->Expand("$(t-join a)"), "1:a");
  EXPECT_EQ(m->Expand("$(t-join a,b,c)"), "2:a|b,c");  // the last argument takes the rest
  EXPECT_EQ(m->Expand("$(t-join $(V),$(V))"), "2:v|v");
  EXPECT_EQ(m->Expand("$(t-raw $(V),x)"), "2:$(V)|x");
  EXPECT_EQ(m->Expand("$(call t-join,p,q,r)"), "3:p|q|r");  // $(call) does not split again
  EXPECT_EQ(m->Expand("[$(Odd_1.name-x )]"), "[]");
  EXPECT_EQ(m->Expand("$(t-join)"), "");  // no blank after the name: a variable
}

TEST(LoadedFunctionsTest, InstancesKeepTheirOwnFunctions) {
  auto a = NewMake();
  auto b = NewMake();
  RegisterFunctions(a.get());
  EXPECT_EQ(a->Expand("$(t-join z)"), "1:z");
  EXPECT_EQ(b->Expand("[$(t-join z)]"), "[]");
}

TEST(LoadedFunctionsTest, ApiCallsActOnTheInstanceOfTheirThread) {
  auto a = NewMake();
  auto b = NewMake();
  RegisterFunctions(a.get());
  RegisterFunctions(b.get());
  a->DefineGlobal("X", "from-a", Origin::kFile, false);
  b->DefineGlobal("X", "from-b", Origin::kFile, false);
  int bad_a = 0, bad_b = 0;
  std::thread ta([&] {
    for (int i = 0; i < 2000; ++i) bad_a += a->Expand("$(t-x )") != "from-a";
  });
  std::thread tb([&] {
    for (int i = 0; i < 2000; ++i) bad_b += b->Expand("$(t-x )") != "from-b";
  });
  ta.join();
  tb.join();
  EXPECT_EQ(bad_a, 0);
  EXPECT_EQ(bad_b, 0);
  EXPECT_EQ(CurrentLoadInstance(), nullptr);
}

TEST(LoadedFunctionsTest, ApiOutsideAnInstanceDoesNothing) {
  ASSERT_EQ(CurrentLoadInstance(), nullptr);
  char* e = gmk_expand("$(PATH)");
  EXPECT_STREQ(e, "");
  gmk_free(e);
  gmk_eval("X = 1", nullptr);
}

TEST(LoadedFunctionsTest, BadRegistrationsAreFatal) {
  auto m = NewMake();
  ScopedLoadInstance current(m.get());
  auto fatal = [&](const char* name, unsigned min, unsigned max) {
    try {
      gmk_add_function(name, Null, min, max, 0);
    } catch (const FatalError& e) {
      return e.message;
    }
    return std::string();
  };
  EXPECT_EQ(fatal("", 0, 0), "make: *** Empty function name.  Stop.");
  EXPECT_EQ(fatal(".x", 0, 0), "make: *** Invalid function name: .x.  Stop.");
  EXPECT_EQ(fatal("a+b", 0, 0), "make: *** Invalid function name: a+b.  Stop.");
  EXPECT_EQ(fatal("f", 256, 0), "make: *** Invalid minimum argument count (256) for function f.  Stop.");
  EXPECT_EQ(fatal("f", 2, 1), "make: *** Invalid maximum argument count (1) for function f.  Stop.");
  EXPECT_EQ(fatal("f", 0, 255), "");
}

}  // namespace
}  // namespace kbmake
