// Unit tests for parser/lines.h: logical lines, continuation collapsing, unquoted-character
// search and comment removal. Expected values follow GNU make 4.3 (checked with /usr/bin/make
// where the behavior is visible from a makefile, e.g. `x := a\\#b` gives "a\").
#include "parser/lines.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace kbmake {
namespace {

std::vector<std::pair<std::string, long>> ReadAll(std::string_view text) {
  LineReader r(text);
  std::vector<std::pair<std::string, long>> out;
  std::string line;
  long n = -1;
  while (r.Next(&line, &n)) out.emplace_back(line, n);
  return out;
}

using Lines = std::vector<std::pair<std::string, long>>;

TEST(LineReader, SimpleLines) {
  EXPECT_EQ(ReadAll("a\nb\n"), (Lines{{"a", 1}, {"b", 1}}));
  EXPECT_EQ(ReadAll("abc"), (Lines{{"abc", 1}}));
  EXPECT_EQ(ReadAll(""), Lines{});
}

TEST(LineReader, EmptyLinesAreLines) {
  EXPECT_EQ(ReadAll("\n\nx\n"), (Lines{{"", 1}, {"", 1}, {"x", 1}}));
}

TEST(LineReader, ContinuationKeepsBackslashNewline) {
  EXPECT_EQ(ReadAll("a \\\nb\nc\n"), (Lines{{"a \\\nb", 2}, {"c", 1}}));
  EXPECT_EQ(ReadAll("a\\\nb\\\nc\nd"), (Lines{{"a\\\nb\\\nc", 3}, {"d", 1}}));
}

TEST(LineReader, EvenBackslashesDoNotContinue) {
  EXPECT_EQ(ReadAll("a\\\\\nb\n"), (Lines{{"a\\\\", 1}, {"b", 1}}));
  EXPECT_EQ(ReadAll("a\\\\\\\nb\n"), (Lines{{"a\\\\\\\nb", 2}}));
}

TEST(LineReader, CrLfLineEndings) {
  EXPECT_EQ(ReadAll("a\r\nb\r\n"), (Lines{{"a", 1}, {"b", 1}}));
  // A backslash before CRLF still continues the line.
  EXPECT_EQ(ReadAll("a \\\r\nb\r\n"), (Lines{{"a \\\nb", 2}}));
  // A CR that is not at a line end is kept.
  EXPECT_EQ(ReadAll("a\rb\n"), (Lines{{"a\rb", 1}}));
}

TEST(LineReader, ContinuationAtEndOfBuffer) {
  Lines l = ReadAll("a\\\n");
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].second, 1);
  EXPECT_EQ(l[0].first.substr(0, 2), "a\\");
}

TEST(LineReader, PhysicalLineCountsAddUp) {
  std::string text = "x = 1 \\\n  2 \\\n  3\n\ny: z\n\techo \\\n\t  hi\n";
  long total = 0;
  for (auto& [line, n] : ReadAll(text)) total += n;
  EXPECT_EQ(total, 7);
}

std::string Collapse(std::string s) {
  CollapseContinuations(&s);
  return s;
}

TEST(CollapseContinuations, NoNewlineUnchanged) {
  EXPECT_EQ(Collapse("a  b\\"), "a  b\\");
}

TEST(CollapseContinuations, BlanksAroundFoldToOneSpace) {
  EXPECT_EQ(Collapse("a   \\\n   b"), "a b");
  EXPECT_EQ(Collapse("a\\\nb"), "a b");
  EXPECT_EQ(Collapse("a\t\\\n\t\tb"), "a b");
}

TEST(CollapseContinuations, ConsecutiveContinuationsGiveOneSpace) {
  // GNU: `z := a\` `\` ` b` gives "a b".
  EXPECT_EQ(Collapse("a\\\n\\\n b"), "a b");
}

TEST(CollapseContinuations, BackslashesBeforeNewlineAreHalved) {
  // GNU: `x := a\\\` newline `   b` gives "a\ b".
  EXPECT_EQ(Collapse("a\\\\\\\n   b"), "a\\ b");
  EXPECT_EQ(Collapse("a\\\\\\\\\\\nb"), "a\\\\ b");
}

TEST(CollapseContinuations, UnescapedNewlineKept) {
  EXPECT_EQ(Collapse("a\\\\\nb"), "a\\\nb");
  EXPECT_EQ(Collapse("a\nb"), "a\nb");
}

TEST(FindUnquoted, PlainStop) {
  std::string s = "abc:def";
  EXPECT_EQ(FindUnquoted(&s, ":", false), 3u);
  EXPECT_EQ(s, "abc:def");
  std::string none = "abcdef";
  EXPECT_EQ(FindUnquoted(&none, ":", false), std::string::npos);
}

TEST(FindUnquoted, MultipleStops) {
  std::string s = "ab=c:d";
  EXPECT_EQ(FindUnquoted(&s, ":=", false), 2u);
}

TEST(FindUnquoted, FromOffset) {
  std::string s = "a:b:c";
  EXPECT_EQ(FindUnquoted(&s, ":", false, 2), 3u);
}

TEST(FindUnquoted, BackslashQuotedStopIsSkippedAndUnquoted) {
  std::string s = "a\\:b:c";
  EXPECT_EQ(FindUnquoted(&s, ":", false), 3u);
  EXPECT_EQ(s, "a:b:c");
}

TEST(FindUnquoted, DoubleBackslashIsHalvedAndStopFound) {
  std::string s = "a\\\\:b";
  size_t p = FindUnquoted(&s, ":", false);
  EXPECT_EQ(s, "a\\:b");
  EXPECT_EQ(p, 2u);
}

TEST(FindUnquoted, TripleBackslash) {
  std::string s = "a\\\\\\:b";
  EXPECT_EQ(FindUnquoted(&s, ":", false), std::string::npos);
  EXPECT_EQ(s, "a\\:b");
}

TEST(FindUnquoted, SkipsVariableReferencesWhenAsked) {
  std::string s = "$(a:b=c):d";
  EXPECT_EQ(FindUnquoted(&s, ":", true), 8u);
  std::string t = "${x:y}:z";
  EXPECT_EQ(FindUnquoted(&t, ":", true), 6u);
  std::string nested = "$(a $(b:c)):d";
  EXPECT_EQ(FindUnquoted(&nested, ":", true), 11u);
  std::string u = "$(a:b=c):d";
  EXPECT_EQ(FindUnquoted(&u, ":", false), 3u);
}

TEST(FindUnquoted, SingleCharVariableSkipped) {
  // `$:` is the variable named ":"; it is skipped as a reference.
  std::string s = "$::x";
  EXPECT_EQ(FindUnquoted(&s, ":", true), 2u);
}

std::string NoComment(std::string s) {
  RemoveComments(&s);
  return s;
}

TEST(RemoveComments, CutsAtHash) {
  EXPECT_EQ(NoComment("x = 1 # comment"), "x = 1 ");
  EXPECT_EQ(NoComment("# all"), "");
  EXPECT_EQ(NoComment("no comment"), "no comment");
}

TEST(RemoveComments, BackslashHash) {
  // GNU: `x := a\#b` gives "a#b"; `a\\#b` gives "a\"; `a\\\#b` gives "a\#b".
  EXPECT_EQ(NoComment("a\\#b"), "a#b");
  EXPECT_EQ(NoComment("a\\\\#b"), "a\\");
  EXPECT_EQ(NoComment("a\\\\\\#b"), "a\\#b");
}

TEST(RemoveComments, HashInsideVariableReferenceIsNotAComment) {
  // GNU make 4.3 skips variable references and function calls
  // (testdata/syntax/comment-hash-inside-reference).
  EXPECT_EQ(NoComment("$(x #y)"), "$(x #y)");
  EXPECT_EQ(NoComment("${x #y} #z"), "${x #y} ");
  EXPECT_EQ(NoComment("$(a (b) #c) # d"), "$(a (b) #c) ");
}

}  // namespace
}  // namespace kbmake

namespace kbmake {
namespace {
// GNU make's find_char_unquote as FindUnquoted did it before it remembered memchr results:
// one byte at a time. The reference for the randomized comparison below.
size_t FindUnquotedByteByByte(std::string* sp, std::string_view stops, bool skip_vars,
                              size_t from) {
  std::string& s = *sp;
  bool stop[256] = {};
  for (char c : stops) stop[static_cast<unsigned char>(c)] = true;
  if (skip_vars) stop[static_cast<unsigned char>('$')] = true;
  size_t p = from;
  while (true) {
    while (p < s.size() && !stop[static_cast<unsigned char>(s[p])]) ++p;
    if (p >= s.size()) return std::string::npos;
    if (skip_vars && s[p] == '$') {
      if (p + 1 >= s.size()) return std::string::npos;
      char open = s[p + 1];
      p += 2;
      if (open == '(' || open == '{') {
        char close = open == '(' ? ')' : '}';
        int count = 1;
        while (p < s.size()) {
          if (s[p] == open) {
            ++count;
          } else if (s[p] == close && --count == 0) {
            ++p;
            break;
          }
          ++p;
        }
      }
      continue;
    }
    if (p > 0 && s[p - 1] == '\\') {
      size_t n = 0;
      while (p - n > 0 && s[p - n - 1] == '\\') ++n;
      size_t remove = n - n / 2;
      s.erase(p - n, remove);
      p -= remove;
      if (n % 2 == 0) return p;
      ++p;
      continue;
    }
    return p;
  }
}
}  // namespace

// Random texts over the characters that matter (stops, '$', parentheses, backslashes): the
// same position and the same edited text as the byte-by-byte scan, for every kind of call.
TEST(FindUnquoted, SameAsByteByByteScanOnRandomTexts) {
  std::mt19937 rng(12345);
  const std::string alphabet = "ab:;#=$(){}\\\\ ";
  // The last set is longer than FindUnquoted's memchr list: its byte-table path.
  const std::vector<std::string> stop_sets = {":", ";", "#", ";#", ":=", "=:;#", "=:;#ab(){}"};
  for (int iter = 0; iter < 50000; ++iter) {
    std::string text;
    size_t len = rng() % 40;
    for (size_t i = 0; i < len; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    const std::string& stops = stop_sets[rng() % stop_sets.size()];
    bool skip_vars = rng() % 2;
    size_t from = text.empty() ? 0 : rng() % (text.size() + 1);
    std::string a = text, b = text;
    size_t pa = FindUnquoted(&a, stops, skip_vars, from);
    size_t pb = FindUnquotedByteByByte(&b, stops, skip_vars, from);
    ASSERT_EQ(pa, pb) << "text '" << text << "' stops '" << stops << "' skip " << skip_vars
                      << " from " << from;
    ASSERT_EQ(a, b) << "text '" << text << "'";
  }
}

}  // namespace kbmake
