// Source locations and fatal errors.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace kbmake {

/// A makefile position: the file name (owned by the instance's name pool) and a 1-based line.
struct Loc {
  const std::string* file = nullptr;
  long line = 0;
  bool valid() const { return file != nullptr; }
};

/// Thrown for GNU make's fatal errors ("*** ...  Stop."). The message is already formatted in
/// GNU make's shape, without the trailing newline. The top level prints it and exits 2. Library
/// code never calls exit(); it throws this and lets the owner of the process decide.
struct FatalError {
  std::string message;
  int status = 2;
};

}  // namespace kbmake
