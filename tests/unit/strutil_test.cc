// Unit tests for kbmake/base/strutil.h. Expected values of PatSubst/SubstRef/DirPart were
// checked against GNU make 4.3 ($(patsubst ...), $(var:a=b), $(dir ...), $(notdir ...)).
#include "kbmake/base/strutil.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kbmake {
namespace {

std::vector<std::string> Words(std::string_view s) {
  WordScanner ws(s);
  std::vector<std::string> out;
  std::string_view w;
  while (ws.Next(&w)) out.emplace_back(w);
  return out;
}

TEST(WordScanner, SplitsOnAllSpaces) {
  EXPECT_EQ(Words("  a b\t\tc\nd \v e\f\rf  "),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
  EXPECT_TRUE(Words("").empty());
  EXPECT_TRUE(Words(" \t\n ").empty());
  EXPECT_EQ(Words("one"), std::vector<std::string>{"one"});
}

TEST(WordScanner, RestIsUnscannedRemainder) {
  WordScanner ws("a  b c");
  std::string_view w;
  ASSERT_TRUE(ws.Next(&w));
  EXPECT_EQ(w, "a");
  EXPECT_EQ(TrimLeft(ws.Rest()), "b c");
}

TEST(WordScanner, SplitWordsAgrees) {
  auto v = SplitWords(" x  y\tz ");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], "x");
  EXPECT_EQ(v[2], "z");
}

TEST(Strings, TrimAndStrip) {
  EXPECT_EQ(TrimSpace("  a b \n"), "a b");
  EXPECT_EQ(TrimLeft("  a "), "a ");
  EXPECT_EQ(TrimRight("  a "), "  a");
  EXPECT_EQ(StripWhitespace("  a \t b\n\nc  "), "a b c");
  EXPECT_EQ(StripWhitespace("   "), "");
}

TEST(Strings, AppendWord) {
  std::string out;
  bool first = true;
  AppendWord(&out, "a", &first);
  AppendWord(&out, "b", &first);
  EXPECT_EQ(out, "a b");
  EXPECT_FALSE(first);
}

TEST(Pattern, ParsePlain) {
  Pattern p = Pattern::Parse("%.c");
  EXPECT_TRUE(p.has_percent);
  EXPECT_EQ(p.prefix, "");
  EXPECT_EQ(p.suffix, ".c");
  Pattern q = Pattern::Parse("lib%.a");
  EXPECT_EQ(q.prefix, "lib");
  EXPECT_EQ(q.suffix, ".a");
  Pattern lit = Pattern::Parse("foo.c");
  EXPECT_FALSE(lit.has_percent);
  EXPECT_EQ(lit.prefix, "foo.c");
}

TEST(Pattern, ParseQuotedPercent) {
  Pattern p = Pattern::Parse("\\%a");
  EXPECT_FALSE(p.has_percent);
  EXPECT_EQ(p.prefix, "%a");
  Pattern q = Pattern::Parse("a\\%%");
  EXPECT_TRUE(q.has_percent);
  EXPECT_EQ(q.prefix, "a%");
  EXPECT_EQ(q.suffix, "");
  // A doubled backslash before % is halved, and the % is unquoted.
  Pattern r = Pattern::Parse("a\\\\%");
  EXPECT_TRUE(r.has_percent);
  EXPECT_EQ(r.prefix, "a\\");
  // Only the first unquoted % counts; the rest is literal suffix.
  Pattern s = Pattern::Parse("a%b%c");
  EXPECT_EQ(s.prefix, "a");
  EXPECT_EQ(s.suffix, "b%c");
}

TEST(Pattern, MatchAndApply) {
  Pattern p = Pattern::Parse("lib%.a");
  std::string_view stem;
  ASSERT_TRUE(p.Matches("libfoo.a", &stem));
  EXPECT_EQ(stem, "foo");
  EXPECT_FALSE(p.Matches("foo.a", &stem));
  EXPECT_FALSE(p.Matches("lib.", &stem));  // too short for prefix+suffix
  ASSERT_TRUE(p.Matches("lib.a", &stem));
  EXPECT_EQ(stem, "");
  std::string out;
  Pattern::Parse("%.o").Apply("foo", &out);
  EXPECT_EQ(out, "foo.o");
  out.clear();
  Pattern::Parse("literal").Apply("foo", &out);
  EXPECT_EQ(out, "literal");
  Pattern lit = Pattern::Parse("x.c");
  EXPECT_TRUE(lit.Matches("x.c", &stem));
  EXPECT_FALSE(lit.Matches("y.c", &stem));
}

TEST(FindPercentInPlace, RemovesQuoting) {
  std::string s = "a\\%b%c";
  EXPECT_EQ(FindPercentInPlace(&s), 3u);
  EXPECT_EQ(s, "a%b%c");
  std::string t = "no\\%";
  EXPECT_EQ(FindPercentInPlace(&t), std::string::npos);
  EXPECT_EQ(t, "no%");
}

std::string PS(std::string_view pat, std::string_view rep, std::string_view text) {
  std::string out;
  PatSubst(pat, rep, text, &out);
  return out;
}
std::string SR(std::string_view from, std::string_view to, std::string_view text) {
  std::string out;
  SubstRef(from, to, text, &out);
  return out;
}

TEST(PatSubst, GnuCases) {
  EXPECT_EQ(PS("%.c", "%.o", "  x.c   y.h   z.c  "), "x.o y.h z.o");
  EXPECT_EQ(PS("%", "x%y", "a b"), "xay xby");
  EXPECT_EQ(PS("a%", "%", "a b"), " b");
  EXPECT_EQ(PS("a", "b", "a"), "b");
  EXPECT_EQ(PS("x%", "a%b", "x"), "ab");
  EXPECT_EQ(PS("a%b%c", "X%", "aXXbYc"), "aXXbYc");
  // A stem that is empty still gets a separator because the word was not empty.
  EXPECT_EQ(PS("%.c", "%", "x.c .c y.c"), "x  y");
}

TEST(PatSubst, WithoutPercentKeepsWhitespace) {
  // Whole-word replacement that keeps the text's own spacing.
  EXPECT_EQ(PS("a", "", "a b a c"), " b  c");
  EXPECT_EQ(PS("a", "X", "ab a ba"), "ab X ba");
}

TEST(PatSubst, NoSeparatorAfterEmptyReplacement) {
  // GNU make 4.3: $(patsubst %.c,,x.c y.h z.c) is "y.h"; no space is written after a word
  // replaced by "" (replacement without %).
  EXPECT_EQ(PS("%.c", "", "x.c y.h z.c"), "y.h");
  EXPECT_EQ(PS("%.c", "", "y.h x.c z.c q"), "y.h q");
  EXPECT_EQ(PS("%", "", "a b"), "");
}

TEST(PatSubst, QuotedPercent) {
  EXPECT_EQ(PS("\\%a", "X", "%a a \\%a"), "X a \\%a");
  EXPECT_EQ(PS("a\\%%", "[%]", "a%b a\\%c ab"), "[b] a\\%c ab");
  EXPECT_EQ(PS("a\\\\%", "X%", "a\\b a\\\\b"), "Xb X\\b");
}

TEST(SubstRef, SuffixSemantics) {
  EXPECT_EQ(SR(".c", ".o", "x.c y.h z.c"), "x.o y.h z.o");
  EXPECT_EQ(SR("c", "", "x.c y.h z.c"), "x. y.h z.");
  // $(v:a=) on "a b a c": the implicit %a→% replacement keeps a separator per word.
  EXPECT_EQ(SR("a", "", "a b a c"), " b  c");
  EXPECT_EQ(SR(".c", "", "x.c .c y.c"), "x  y");
}

TEST(SubstRef, PercentForm) {
  EXPECT_EQ(SR("%.c", "%.o", "x.c .c y.c"), "x.o .o y.o");
  EXPECT_EQ(SR("%.c", "", "x.c y.h z.c"), "y.h");
}

TEST(DirPart, GnuCases) {
  // $(dir a/b c /x/y/ ./z) = "a/ ./ /x/y/ ./"
  EXPECT_EQ(DirPart("a/b"), "a/");
  EXPECT_EQ(DirPart("c"), "./");
  EXPECT_EQ(DirPart("/x/y/"), "/x/y/");
  EXPECT_EQ(DirPart("./z"), "./");
  EXPECT_EQ(DirPart("/"), "/");
}

TEST(NotDirPart, GnuCases) {
  // $(notdir a/b c /x/y/ ./z) = "b c  z"
  EXPECT_EQ(NotDirPart("a/b"), "b");
  EXPECT_EQ(NotDirPart("c"), "c");
  EXPECT_EQ(NotDirPart("/x/y/"), "");
  EXPECT_EQ(NotDirPart("./z"), "z");
}

TEST(ParseInteger, Values) {
  long long v = 0;
  EXPECT_TRUE(ParseInteger(" 42 ", &v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(ParseInteger("-7", &v));
  EXPECT_EQ(v, -7);
  EXPECT_FALSE(ParseInteger("x", &v));
  EXPECT_FALSE(ParseInteger("", &v));
  EXPECT_FALSE(ParseInteger("1x", &v));
}

}  // namespace
}  // namespace kbmake
