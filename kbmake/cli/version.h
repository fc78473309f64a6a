// kbmake's own version, printed by --version after GNU make's banner.
#pragma once

namespace kbmake {

/// kbmake's version number, from project(VERSION) in the top CMakeLists.txt.
const char* KbmakeVersion();

/// The commit kbmake was built from (`git describe --always --dirty`, 12-digit hash, with
/// "-dirty" for uncommitted changes), the KBMAKE_COMMIT cache variable when set, or "unknown"
/// when built outside git.
const char* KbmakeCommit();

}  // namespace kbmake
