// Archive members as make targets: "lib.a(member.o)" names, reading member dates from a Unix
// ar archive, touching a member and globbing member names (GNU make's ar.c and arscan.c).
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace kbmake {

/// GNU make's ar_name(): is `name` of the form "ARCHIVE(MEMBER)" with both parts non-empty?
bool ArName(std::string_view name);

/// Splits "ARCHIVE(MEMBER)" (ArName must be true).
void ArParseName(std::string_view name, std::string* archive, std::string* member);

/// GNU parse_file_seq's archive groups: "lib(a b c)" is "lib(a) lib(b) lib(c)". Called for
/// each blank-separated `word` of `text` (`next`: the index after it) with the group's "lib("
/// kept in `prefix` between calls; rewrites `word`, returns false if it is to be dropped.
bool ArchiveGroupWord(std::string_view text, size_t next, bool stop_at_pipe,
                      std::string* prefix, std::string* word);

/// Result codes of the archive scan, as in GNU make's arscan.c.
enum ArScanStatus : long {
  kArNoArchive = -1,  // the archive cannot be opened
  kArNotArchive = -2,  // it is not a valid ar archive
  kArIoError = -3,
};

/// Date of `member` in `archive` (member compared by its last path component), or -1 if the
/// archive or the member does not exist or the archive is not valid.
time_t ArMemberDate(const std::string& archive, const std::string& member);

/// GNU make 4.3's ar_member_touch(): sets the member's date to the archive's modification
/// time from before this write. Returns 0 on success, 1 if the member is not there, or a negative ArScanStatus.
int ArMemberTouch(const std::string& archive, const std::string& member);

/// Members of `archive` matching the glob `pattern`, as "archive(member)" names sorted
/// alphabetically; empty if `pattern` has no glob characters or nothing matches.
std::vector<std::string> ArGlob(const std::string& archive, const std::string& pattern);

}  // namespace kbmake
