// --graph's name escaping (graph/graph_dump.h, docs/GRAPH.md): UTF-8 as is; otherwise every
// byte outside a valid UTF-8 sequence, and every '%', as %XX, reversibly.
#include "kbmake/graph/graph_dump.h"

#include <gtest/gtest.h>

namespace kbmake {
namespace {

std::string Esc(const std::string& s, bool* e) {
  *e = false;
  return GraphEscape(s, e);
}

TEST(GraphEscape, Utf8IsKept) {
  bool e;
  EXPECT_EQ(Esc("include/linux/kernel.h", &e), "include/linux/kernel.h");
  EXPECT_FALSE(e);
  EXPECT_EQ(Esc("caf\xc3\xa9 100%.c", &e), "caf\xc3\xa9 100%.c");  // valid: '%' kept
  EXPECT_FALSE(e);
  EXPECT_EQ(Esc("\xf0\x9f\x98\x80", &e), "\xf0\x9f\x98\x80");
  EXPECT_FALSE(e);
}

TEST(GraphEscape, InvalidBytesAndPercent) {
  bool e;
  EXPECT_EQ(Esc("caf\xe9 100%.txt", &e), "caf%E9 100%25.txt");
  EXPECT_TRUE(e);
  EXPECT_EQ(Esc("\xc0\xaf", &e), "%C0%AF");  // overlong '/'
  EXPECT_EQ(Esc("\xed\xa0\x80", &e), "%ED%A0%80");  // a surrogate
  EXPECT_EQ(Esc("a\xff\xc3\xa9", &e), "a%FF\xc3\xa9");  // valid part kept
  EXPECT_EQ(Esc("\xe2\x82", &e), "%E2%82");  // truncated sequence
}

TEST(GraphEscape, RoundTrip) {
  for (std::string s : {std::string("caf\xe9%41.o"), std::string("\x80\x81%%"),
                        std::string("x\xc3\xa9\xff")}) {
    bool e = false;
    std::string out = GraphEscape(s, &e);
    ASSERT_TRUE(e);
    EXPECT_EQ(GraphUnescape(out), s);
  }
}

}  // namespace
}  // namespace kbmake
