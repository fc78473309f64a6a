// Unit tests for the simulation of GNU make's hash-table slot order (base/gnu_hash_table.h).
// The hashes here are chosen by the tests, so each expected order follows from the rules of
// hash.c by hand; the corpus (testdata/*/hash-order-*, intermediate-rm-hash-order*) checks
// the whole against GNU make itself.
#include "kbmake/base/gnu_hash_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kbmake {
namespace {

using Strings = std::vector<std::string>;

TEST(GnuHashTable, SlotOrderNotInsertionOrder) {
  GnuHashTable<std::string> t(13);  // round_up_2(13) = 16 slots
  EXPECT_EQ(t.size(), 16u);
  t.Insert(9, "nine");
  t.Insert(2, "two");
  t.Insert(18, "eighteen");  // 18 & 15 = 2: taken, so the next slot (3)
  EXPECT_EQ(t.Items(), (Strings{"two", "eighteen", "nine"}));
}

TEST(GnuHashTable, ProbingWrapsAround) {
  GnuHashTable<std::string> t(13);
  t.Insert(15, "a");
  t.Insert(15, "b");  // slot 15 taken: wraps to 0
  EXPECT_EQ(t.Items(), (Strings{"b", "a"}));
}

TEST(GnuHashTable, InsertionReusesTheFirstDeletedSlotOnItsPath) {
  GnuHashTable<std::string> t(13);
  t.Insert(4, "a");
  t.Insert(4, "b");  // slot 5
  t.Insert(6, "c");
  t.Delete(4, "a");  // slot 4 is now deleted, not empty: "b" is still found past it
  t.Insert(5, "d");  // 5 taken, 6 taken, 7 empty
  t.Insert(4, "e");  // the deleted slot 4
  EXPECT_EQ(t.Items(), (Strings{"e", "b", "c", "d"}));
  EXPECT_EQ(t.fill(), 4u);
}

TEST(GnuHashTable, DoublesWhenTooFewSlotsAreEmpty) {
  // 16 slots, capacity 15: rebuilt when fewer than 16 - 15 = 1 slot is empty, and doubled
  // because 15/16 or more are in use.
  GnuHashTable<int> t(13);
  for (int i = 0; i < 15; ++i) t.Insert(static_cast<uint32_t>(31 - i), i);  // homes 15..1
  EXPECT_EQ(t.size(), 16u);
  t.Insert(16, 15);  // home 0: the last empty slot
  EXPECT_EQ(t.size(), 32u);
  EXPECT_EQ(t.rehashes(), 1u);
  // Re-inserted in the old slot order into 32 slots: each at its full hash, 16..31.
  std::vector<int> expect;
  for (int i = 15; i >= 0; --i) expect.push_back(i);
  EXPECT_EQ(t.Items(), expect);
}

TEST(GnuHashTable, TooManyDeletedSlotsRebuildAtTheSameSize) {
  GnuHashTable<int> t(13);
  for (int i = 0; i < 10; ++i) t.Insert(static_cast<uint32_t>(i), i);
  for (int i = 0; i < 10; ++i) t.Delete(static_cast<uint32_t>(i), i);
  // Slots 0-9 are deleted, not empty: 6 empty slots are left. Each insertion into an empty
  // slot uses one up; when none is left the table is rebuilt, at the same size since few
  // slots are in use.
  for (int i = 0; i < 5; ++i) t.Insert(static_cast<uint32_t>(10 + i), 100 + i);
  EXPECT_EQ(t.size(), 16u);
  EXPECT_EQ(t.fill(), 5u);
  EXPECT_EQ(t.rehashes(), 0u);
  t.Insert(15, 200);  // the last empty slot: rebuilt, still 16 slots (5 + 1 < 15)
  EXPECT_EQ(t.size(), 16u);
  EXPECT_EQ(t.rehashes(), 1u);
  EXPECT_EQ(t.Items(), (std::vector<int>{100, 101, 102, 103, 104, 200}));
}

TEST(GnuJhash, StringAndLengthFormsAgreeOnlyWhereGnuMakes) {
  // jhash_string adds the length of the words before the NUL; jhash mixes the length in
  // first: two different functions, each deterministic.
  EXPECT_EQ(GnuJhashString("Makefile"), GnuJhashString(std::string("Makefile")));
  EXPECT_NE(GnuJhashString("a"), GnuJhashString("b"));
  EXPECT_NE(GnuJhash("CC"), GnuJhash("CXX"));
  EXPECT_NE(GnuJhashString("CC"), GnuJhash("CC"));
}

}  // namespace
}  // namespace kbmake
