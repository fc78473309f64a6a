// Helpers shared by the unit tests: a private temporary directory that is the current
// directory for the test's lifetime, and a Make instance with a fake shell.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "kbmake/exec/process.h"
#include "kbmake/make.h"

namespace kbmake::testing_util {

/// mkdtemp + chdir; restores the previous working directory and removes the tree at the end.
class TempDirCwd {
 public:
  TempDirCwd() {
    char buf[4096];
    if (getcwd(buf, sizeof buf)) old_ = buf;
    std::string tmpl = (std::filesystem::temp_directory_path() / "kbmake-unit-XXXXXX").string();
    std::vector<char> t(tmpl.begin(), tmpl.end());
    t.push_back('\0');
    if (!mkdtemp(t.data())) ADD_FAILURE() << "mkdtemp failed";
    dir_ = t.data();
    if (chdir(dir_.c_str()) != 0) ADD_FAILURE() << "chdir failed";
  }
  ~TempDirCwd() {
    if (!old_.empty() && chdir(old_.c_str()) != 0) {
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const std::string& path() const { return dir_; }
  void Write(const std::string& name, const std::string& text) {
    std::filesystem::path p = std::filesystem::path(dir_) / name;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }

 private:
  std::string old_, dir_;
};

inline std::unique_ptr<Make> NewMake(Options opts = Options()) {
  auto m = std::make_unique<Make>(std::move(opts), "make", 0,
                                  std::vector<std::string>{"PATH=/usr/bin:/bin"});
  return m;
}

}  // namespace kbmake::testing_util
