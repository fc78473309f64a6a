#include "kbmake/build.h"

#include <utility>

#include "kbmake/exec/process.h"

namespace kbmake {

BuildSettings BuildSettings::FromEnvironment(const std::vector<std::string>& env) {
  BuildSettings s;
  std::string st1, st2, st3;
  const std::string* mode = EnvValue(env, "KBMAKE_SUBMAKE", &st1);
  s.in_process_submakes = !(mode != nullptr && *mode == "process");
  const std::string* fs = EnvValue(env, "KBMAKE_FS_CACHE", &st2);
  s.fs_cache = !(fs != nullptr && *fs == "0");
  const std::string* parse = EnvValue(env, "KBMAKE_PARSE_CACHE", &st3);
  s.parse_cache = !(parse != nullptr && *parse == "0");
  return s;
}

Build::Build(const BuildSettings& settings, RunInvocation run)
    : settings_(settings),
      submakes_([this, run = std::move(run)](Invocation& inv) { return run(inv, this); },
                settings.in_process_submakes) {}

std::shared_ptr<ShellMemo> Build::shell_memo() const {
  std::lock_guard<std::mutex> lock(memo_mu_);
  return shell_memo_;
}

void Build::set_shell_memo(std::shared_ptr<ShellMemo> m) {
  std::lock_guard<std::mutex> lock(memo_mu_);
  shell_memo_ = std::move(m);
}

}  // namespace kbmake
