#include "kbmake/exec/status.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include "kbmake/exec/process.h"
#include "kbmake/exec/shell_scan.h"
#include "kbmake/make.h"

namespace kbmake {

bool IsPosixShell(std::string_view shell) {
  size_t end = shell.find_first_of(" \t");
  std::string_view prog = shell.substr(0, end);
  size_t slash = prog.rfind('/');
  if (slash != std::string_view::npos) prog.remove_prefix(slash + 1);
  for (const char* n : {"sh", "bash", "dash", "ash", "ksh", "mksh", "zsh"})
    if (prog == n) return true;
  return false;
}

bool FindLeadingEcho(std::string_view line, LeadingEcho* out) {
  std::vector<ShellCommand> cmds = ScanShellLine(line);
  size_t k = 0;
  auto plain = [](const ShellCommand& c) {
    return c.depth == 0 && c.literal && !c.redirected && !c.has_assignments;
  };
  while (k < cmds.size() && cmds[k].words[0] == "set" && plain(cmds[k]) &&
         (cmds[k].next_op == ";" || cmds[k].next_op == "\n"))
    ++k;
  if (k >= cmds.size()) return false;
  const ShellCommand& e = cmds[k];
  if (e.words[0] != "echo" || !plain(e)) return false;
  if (e.next_op != ";" && e.next_op != "&&" && e.next_op != "\n" && !e.next_op.empty())
    return false;
  std::string text;
  for (size_t w = 1; w < e.words.size(); ++w) {
    const std::string& a = e.words[w];
    // dash's echo reads backslash escapes and bash's reads -n/-e: leave those to the shell.
    if (a.find('\\') != std::string::npos) return false;
    if (w == 1 && !a.empty() && a[0] == '-') return false;
    if (w > 1) text.push_back(' ');
    text += a;
  }
  out->text = std::move(text);
  out->rewrite = std::string(line.substr(0, e.begin)) + ":" + std::string(line.substr(e.end));
  return true;
}

bool RecipeShowsLine(const std::vector<std::string>& lines, const std::vector<bool>& silent_v,
                     const std::vector<bool>& recurse_v, int command_flags, bool one_shell,
                     bool show_all, bool make_silent, bool question, bool touch,
                     bool posix_shell) {
  bool any_recurse = false;
  for (bool r : recurse_v) any_recurse = any_recurse || r;
  for (size_t idx = 0; idx < lines.size(); ++idx) {
    std::string pending = lines[idx];
    while (!pending.empty()) {
      bool recurse = one_shell ? any_recurse : idx < recurse_v.size() && recurse_v[idx];
      bool silent = (command_flags & 1) != 0 || (idx < silent_v.size() && silent_v[idx]);
      size_t p = 0;
      while (p < pending.size()) {
        char ch = pending[p];
        if (ch == '@') {
          silent = true;
        } else if (ch == '+') {
          recurse = true;
        } else if (ch != '-' && ch != ' ' && ch != '\t') {
          break;
        }
        ++p;
      }
      std::string text = pending.substr(p), line = text, rest;
      if (!one_shell) {
        for (size_t i = 0; i < text.size(); ++i) {
          if (text[i] == '\n' && (i == 0 || text[i - 1] != '\\')) {
            line = text.substr(0, i);
            rest = text.substr(i + 1);
            break;
          }
        }
      }
      pending = rest;
      if (line.find_first_not_of(" \t\n") == std::string::npos) continue;
      if (question && !recurse) return false;
      if (touch && !recurse) continue;
      if (show_all || (!silent && !make_silent)) return true;
      LeadingEcho echo;
      if (posix_shell && FindLeadingEcho(line, &echo)) return true;
    }
  }
  return false;
}

BuildStatus::BuildStatus(std::string format, bool one_line)
    : format_(format.empty() ? "[%s/%t] " : std::move(format)),
      one_line_(one_line),
      t0_(std::chrono::steady_clock::now()) {
  struct winsize ws;
  if (one_line_ && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) columns_ = ws.ws_col;
}

void BuildStatus::AddJob() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  ++total_;
}

void BuildStatus::FinishJob() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  ++finished_;
}

std::string BuildStatus::FormatPrefix() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  // Remaining time from the average of the jobs finished so far.
  double eta = finished_ > 0 ? elapsed * (total_ - finished_) / finished_ : -1;
  auto hms = [](double secs) {
    char b[32];
    long t = static_cast<long>(secs + 0.5);
    if (t >= 3600) {
      snprintf(b, sizeof b, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    } else {
      snprintf(b, sizeof b, "%02ld:%02ld", t / 60, t % 60);
    }
    return std::string(b);
  };
  std::string out;
  char b[64];
  for (size_t i = 0; i < format_.size(); ++i) {
    if (format_[i] != '%' || i + 1 == format_.size()) {
      out.push_back(format_[i]);
      continue;
    }
    switch (format_[++i]) {
      case '%': out.push_back('%'); break;
      case 's': out += std::to_string(started_); break;
      case 't': out += std::to_string(total_); break;
      case 'f': out += std::to_string(finished_); break;
      case 'r': out += std::to_string(started_ - finished_); break;
      case 'u': out += std::to_string(total_ - started_); break;
      case 'p':
        snprintf(b, sizeof b, "%3d%%", total_ > 0 ? 100 * finished_ / total_ : 0);
        out += b;
        break;
      case 'o':
        snprintf(b, sizeof b, "%.1f", elapsed > 0 ? finished_ / elapsed : 0.0);
        out += b;
        break;
      case 'e':
        snprintf(b, sizeof b, "%.3f", elapsed);
        out += b;
        break;
      case 'E':
        if (eta < 0) {
          out += "?";
        } else {
          snprintf(b, sizeof b, "%.3f", eta);
          out += b;
        }
        break;
      case 'w': out += hms(elapsed); break;
      case 'W': out += eta < 0 ? "?" : hms(eta); break;
      default:
        out.push_back('%');
        out.push_back(format_[i]);
    }
  }
  return out;
}

void BuildStatus::PrintLine(Make* m, std::string_view text, bool* job_started,
                            bool* job_counted) {
  // One lock from the counters to the write: lines appear in the order of their numbers.
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (!*job_counted) {
    *job_counted = true;
    ++total_;
  }
  if (!*job_started) {
    *job_started = true;
    ++started_;
  }
  std::string line = FormatPrefix();
  line += text;
  if (!one_line_) {
    m->WriteOutput(false, line + "\n");
    return;
  }
  // One updating terminal line: elided to the width, never wrapped.
  if (static_cast<int>(line.size()) >= columns_) {
    size_t keep = columns_ > 4 ? columns_ - 4 : 0;
    line = line.substr(0, keep / 2) + "..." + line.substr(line.size() - (keep - keep / 2));
  }
  m->EnsureEntered();
  int fd = m->io().out;
  WriteAll(fd, "\r" + line + "\x1b[K");
  line_open_ = true;
  open_fd_ = fd;
}

void BuildStatus::BreakLine(int fd) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (!line_open_) return;
  (void)fd;
  WriteAll(open_fd_, "\n");
  line_open_ = false;
}

}  // namespace kbmake
