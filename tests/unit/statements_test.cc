// Makefile statements → variables and rules, read through Make::EvalBuffer as the text of
// "Makefile" (line numbers advance as in a file; $(eval) text would keep the eval's line). Error texts and locations were checked against GNU make 4.3 with the same text
// in ./Makefile.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kbmake/base/bigstack.h"
#include "kbmake/make.h"
#include "test_util.h"

namespace kbmake {
namespace {

using testing_util::NewMake;
using testing_util::TempDirCwd;

class StatementsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_ = NewMake();
    make_->DefineInitialState();
    file_ = make_->InternFileName("Makefile");
  }
  void Eval(const std::string& text) { make_->EvalBuffer(text, file_, 1, true); }
  std::string Error(const std::string& text) {
    std::string msg;
    RunWithBigStack([&] {
      try {
        Eval(text);
      } catch (const FatalError& e) {
        msg = e.message;
      }
    });
    return msg;
  }
  std::string Value(std::string_view name) {
    Variable* v = make_->Lookup(name);
    return v ? v->value : "<undefined>";
  }
  std::string X(std::string_view text) { return make_->Expand(text); }
  Variable* TargetVar(std::string_view target, std::string_view name) {
    File* f = make_->LookupFile(target);
    if (!f || !f->vars) return nullptr;
    return f->vars->Lookup(name);
  }
  std::vector<std::string> DepNames(std::string_view target, bool order_only) {
    std::vector<std::string> out;
    File* f = make_->LookupFile(target);
    if (!f) return out;
    for (const Dep& d : f->deps)
      if (d.order_only == order_only) out.push_back(d.file ? d.file->name : d.name);
    return out;
  }

  std::unique_ptr<Make> make_;
  const std::string* file_ = nullptr;
};

TEST_F(StatementsTest, RecursiveAndSimple) {
  Eval("a = $(b)\nb = 1\nc := $(b)\nb = 2\n");
  EXPECT_EQ(Value("a"), "$(b)");
  EXPECT_TRUE(make_->Lookup("a")->recursive);
  EXPECT_EQ(X("$(a)"), "2");
  EXPECT_EQ(Value("c"), "1");
  EXPECT_FALSE(make_->Lookup("c")->recursive);
  Eval("d ::= $(b)x\n");
  EXPECT_EQ(Value("d"), "2x");
  EXPECT_FALSE(make_->Lookup("d")->recursive);
}

TEST_F(StatementsTest, WhitespaceAroundValues) {
  // Leading blanks of the value are dropped, trailing ones kept (GNU 4.3).
  Eval("a =   x y  \nb:=\tz\n");
  EXPECT_EQ(Value("a"), "x y  ");
  EXPECT_EQ(Value("b"), "z");
  Eval("c = a # comment\n");
  EXPECT_EQ(Value("c"), "a ");
}

TEST_F(StatementsTest, ConditionalAssignment) {
  Eval("a ?= 1\na ?= 2\nb = \nb ?= 3\n");
  EXPECT_EQ(Value("a"), "1");
  EXPECT_EQ(Value("b"), "");
  EXPECT_TRUE(make_->Lookup("a")->recursive);
}

TEST_F(StatementsTest, AppendKeepsFlavor) {
  Eval("r = $(x)\nr += b\ns := 1\ns += $(x)\nx = X\nn += new\n");
  EXPECT_EQ(Value("r"), "$(x) b");
  EXPECT_EQ(X("$(r)"), "X b");
  EXPECT_EQ(Value("s"), "1");  // GNU 4.3: appending an empty expansion adds no space
  EXPECT_TRUE(make_->Lookup("n")->recursive);
  EXPECT_EQ(Value("n"), "new");
  Eval("e :=\ne += z\n");
  EXPECT_EQ(Value("e"), "z");
}

TEST_F(StatementsTest, ShellAssignment) {
  make_->set_shell_hook([](std::string_view cmd, int* st) {
    *st = 0;
    return std::string("out:") + std::string(cmd);
  });
  Eval("v != echo $$x\n");
  EXPECT_EQ(Value("v"), "out:echo $x");
}

TEST_F(StatementsTest, OverrideAndUndefine) {
  Eval("override a = 1\na = 2\n");
  EXPECT_EQ(Value("a"), "1");
  EXPECT_EQ(X("$(origin a)"), "override");
  Eval("b = 1\nundefine b\n");
  EXPECT_EQ(X("$(origin b)"), "undefined");
}

TEST_F(StatementsTest, ExportDirective) {
  Eval("export x y = 1\n");
  // GNU 4.3: `export x y = 1` exports x and y, both defined empty ($(origin) is "file").
  EXPECT_EQ(Value("x"), "");
  EXPECT_EQ(Value("y"), "");
  EXPECT_EQ(make_->Lookup("x")->export_mode, ExportMode::kExport);
  EXPECT_EQ(make_->Lookup("y")->export_mode, ExportMode::kExport);
  EXPECT_EQ(Value("x y"), "<undefined>");
  Eval("export z = 2\nunexport w\n");
  EXPECT_EQ(make_->Lookup("z")->export_mode, ExportMode::kExport);
}

TEST_F(StatementsTest, DefineEndef) {
  Eval("define two\nline 1\nline 2\nendef\n");
  EXPECT_EQ(Value("two"), "line 1\nline 2");
  EXPECT_TRUE(make_->Lookup("two")->recursive);
  Eval("y = Y\ndefine s :=\n$(y)\nendef\n");
  EXPECT_EQ(Value("s"), "Y");
  EXPECT_FALSE(make_->Lookup("s")->recursive);
  Eval("define nested\ndefine inner\nx\nendef\nendef\n");
  EXPECT_EQ(Value("nested"), "define inner\nx\nendef");
  Eval("define empty\nendef\n");
  EXPECT_EQ(Value("empty"), "");
  Eval("define app +=\nmore\nendef\n");
  Eval("define app +=\nagain\nendef\n");
  EXPECT_EQ(Value("app"), "more again");
}

TEST_F(StatementsTest, ExtraneousTextAfterEndefWarns) {
  ::testing::internal::CaptureStderr();
  Eval("define x =\nA\nendef junk\n");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "Makefile:3: extraneous text after 'endef' directive\n");
  EXPECT_EQ(Value("x"), "A");
}

TEST_F(StatementsTest, Conditionals) {
  Eval(
      "x = 1\n"
      "ifeq ($(x),1)\na = yes\nelse\na = no\nendif\n"
      "ifneq '$(x)' \"1\"\nb = yes\nelse ifdef x\nb = def\nelse\nb = no\nendif\n"
      "ifndef nosuch\nc = undef\nendif\n"
      "ifdef x\nifeq (1,2)\nd = inner\nelse\nd = outer-else\nendif\nendif\n"
      "ifeq (,$(empty))\ne = empty\nendif\n");
  EXPECT_EQ(Value("a"), "yes");
  EXPECT_EQ(Value("b"), "def");
  EXPECT_EQ(Value("c"), "undef");
  EXPECT_EQ(Value("d"), "outer-else");
  EXPECT_EQ(Value("e"), "empty");
}

TEST_F(StatementsTest, SkippedBranchIsNotExpanded) {
  Eval("ifeq (a,b)\nx := $(error should not run)\nendif\n");
  EXPECT_EQ(Value("x"), "<undefined>");
}

TEST_F(StatementsTest, ExtraneousTextAfterIfeqWarns) {
  ::testing::internal::CaptureStderr();
  Eval("x := 1\nifeq ($(x),1) junk\ny = 2\nendif\n");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "Makefile:2: extraneous text after 'ifeq' directive\n");
}

TEST_F(StatementsTest, TargetSpecificVariables) {
  Eval("x: y := 1 2\nx: z = $(y)\nx: w += more\nall: ; @:\n");
  Variable* y = TargetVar("x", "y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->value, "1 2");
  EXPECT_FALSE(y->recursive);
  Variable* z = TargetVar("x", "z");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->value, "$(y)");
  EXPECT_TRUE(z->recursive);
  Variable* w = TargetVar("x", "w");
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(w->append);
  // Not visible globally.
  EXPECT_EQ(X("[$(y)]"), "[]");
  Eval("a b: private p = 3\n");
  ASSERT_NE(TargetVar("b", "p"), nullptr);
  EXPECT_TRUE(TargetVar("b", "p")->private_var);
  Eval("t: override o = 4\nt: export e = 5\n");
  ASSERT_NE(TargetVar("t", "o"), nullptr);
  EXPECT_EQ(TargetVar("t", "o")->origin, Origin::kOverride);
}

TEST_F(StatementsTest, PatternSpecificVariables) {
  Eval("%.o: cflags := -O2\n");
  ASSERT_EQ(make_->pattern_vars().size(), 1u);
  EXPECT_EQ(make_->pattern_vars()[0].pattern, "%.o");
  EXPECT_EQ(make_->pattern_vars()[0].var.name, "cflags");
  EXPECT_EQ(make_->pattern_vars()[0].var.value, "-O2");
}

TEST_F(StatementsTest, ExplicitRules) {
  Eval("all: a b | c\n\t@echo $@\n\techo two\na:\nb: ; inline\n");
  EXPECT_EQ(DepNames("all", false), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(DepNames("all", true), (std::vector<std::string>{"c"}));
  File* all = make_->LookupFile("all");
  ASSERT_NE(all, nullptr);
  ASSERT_NE(all->cmds, nullptr);
  EXPECT_EQ(all->cmds->lines, (std::vector<std::string>{"@echo $@", "echo two"}));
  EXPECT_EQ(all->cmds->loc.line, 2);
  File* b = make_->LookupFile("b");
  ASSERT_NE(b, nullptr);
  ASSERT_NE(b->cmds, nullptr);
  ASSERT_EQ(b->cmds->lines.size(), 1u);
  EXPECT_EQ(TrimLeft(b->cmds->lines[0]), "inline");  // blanks after ';' are stripped when run
  EXPECT_EQ(make_->LookupFile("a")->cmds, nullptr);
}

TEST_F(StatementsTest, RecipeContinuationKept) {
  Eval("t:\n\techo a \\\n\t  b\n");
  File* t = make_->LookupFile("t");
  ASSERT_NE(t, nullptr);
  ASSERT_NE(t->cmds, nullptr);
  ASSERT_EQ(t->cmds->lines.size(), 1u);
  // Stored as written; the tab after backslash-newline is removed when the line is run.
  EXPECT_EQ(t->cmds->lines[0], "echo a \\\n\t  b");
}

TEST_F(StatementsTest, RecipePrefix) {
  Eval(".RECIPEPREFIX = >\nt:\n> echo x\n");
  File* t = make_->LookupFile("t");
  ASSERT_NE(t, nullptr);
  ASSERT_NE(t->cmds, nullptr);
  ASSERT_EQ(t->cmds->lines.size(), 1u);
  EXPECT_EQ(TrimLeft(t->cmds->lines[0]), "echo x");
}

TEST_F(StatementsTest, MultipleTargetsAndVariablesInRules) {
  Eval("objs = x.o y.o\n$(objs): common.h\n");
  EXPECT_EQ(DepNames("x.o", false), std::vector<std::string>{"common.h"});
  EXPECT_EQ(DepNames("y.o", false), std::vector<std::string>{"common.h"});
}

TEST_F(StatementsTest, PatternRules) {
  size_t before = make_->pattern_rules().size();
  Eval("%.o: %.c\n\tcc -c $<\n");
  bool found = false;
  for (auto& r : make_->pattern_rules()) {
    if (r->targets == std::vector<std::string>{"%.o"} && r->deps.size() == 1 &&
        r->deps[0].name == "%.c" && r->cmds) {
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_GE(make_->pattern_rules().size(), before);
}

TEST_F(StatementsTest, DoubleColonRules) {
  Eval("a:: b\n\techo 1\na:: c\n\techo 2\n");
  File* a = make_->LookupFile("a");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->double_colon, nullptr);
}

TEST_F(StatementsTest, DefaultGoalIsFirstTarget) {
  Eval(".PHONY: x\nfirst: second\nsecond:\n");
  EXPECT_EQ(X("$(.DEFAULT_GOAL)"), "first");
}

// ---- error texts and locations (verbatim from GNU make 4.3) ----

TEST_F(StatementsTest, MissingSeparator) {
  EXPECT_EQ(Error("a = 1\nb\n"), "Makefile:2: *** missing separator.  Stop.");
}

TEST_F(StatementsTest, MissingSeparatorEightSpaces) {
  EXPECT_EQ(Error("all:\n        echo\n"),
            "Makefile:2: *** missing separator (did you mean TAB instead of 8 spaces?).  Stop.");
}

TEST_F(StatementsTest, MissingSeparatorAfterStrayEndef) {
  EXPECT_EQ(Error("endef\n"), "Makefile:1: *** missing separator.  Stop.");
  EXPECT_EQ(Error("override\n"), "Makefile:1: *** missing separator.  Stop.");
}

TEST_F(StatementsTest, MissingEndif) {
  EXPECT_EQ(Error("ifeq (a,a)\nx=1\n"), "Makefile:3: *** missing 'endif'.  Stop.");
}

TEST_F(StatementsTest, EvalTextKeepsTheEvalLine) {
  // GNU make 4.3: a missing separator on the 2nd line of $(eval)'d text at Makefile:5 is
  // reported as Makefile:5.
  std::string msg;
  RunWithBigStack([&] {
    try {
      Loc loc{file_, 5};
      make_->EvalString("a = 1\nb\n", &loc);
    } catch (const FatalError& e) {
      msg = e.message;
    }
  });
  EXPECT_EQ(msg, "Makefile:5: *** missing separator.  Stop.");
}

TEST_F(StatementsTest, ExtraneousElse) {
  EXPECT_EQ(Error("else\n"), "Makefile:1: *** extraneous 'else'.  Stop.");
}

TEST_F(StatementsTest, ExtraneousEndif) {
  EXPECT_EQ(Error("endif\n"), "Makefile:1: *** extraneous 'endif'.  Stop.");
}

TEST_F(StatementsTest, OnlyOneElse) {
  EXPECT_EQ(Error("ifdef x\nelse\nelse\nendif\n"),
            "Makefile:3: *** only one 'else' per conditional.  Stop.");
}

TEST_F(StatementsTest, UnterminatedDefine) {
  EXPECT_EQ(Error("define x\nabc\n"), "Makefile:1: *** missing 'endef', unterminated 'define'.  Stop.");
}

TEST_F(StatementsTest, RecipeBeforeFirstTarget) {
  EXPECT_EQ(Error("\techo hi\n"), "Makefile:1: *** recipe commences before first target.  Stop.");
}

TEST_F(StatementsTest, InvalidConditionalSyntax) {
  EXPECT_EQ(Error("ifeq (a,b\nendif\n"), "Makefile:1: *** invalid syntax in conditional.  Stop.");
  EXPECT_EQ(Error("ifeq a b\nendif\n"), "Makefile:1: *** invalid syntax in conditional.  Stop.");
}

TEST_F(StatementsTest, MixedColonAndDoubleColon) {
  EXPECT_EQ(Error("a:: b\na: c\n"),
            "Makefile:2: *** target file 'a' has both : and :: entries.  Stop.");
}

TEST_F(StatementsTest, EmptyVariableName) {
  EXPECT_EQ(Error("a b: = 1\n"), "Makefile:1: *** empty variable name.  Stop.");
}

TEST_F(StatementsTest, ErrorLineCountsContinuations) {
  // The statement after a 3-line continuation starts on physical line 4.
  EXPECT_EQ(Error("x = a \\\n b \\\n c\nbad\n"), "Makefile:4: *** missing separator.  Stop.");
}

TEST_F(StatementsTest, ErrorFunctionLocation) {
  EXPECT_EQ(Error("\n\n$(error here)\n"), "Makefile:3: *** here.  Stop.");
}

}  // namespace
}  // namespace kbmake
