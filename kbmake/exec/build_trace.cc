#include "kbmake/exec/build_trace.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "kbmake/exec/process.h"
#include "kbmake/exec/critical_path.h"

namespace kbmake {

BuildTrace::BuildTrace(std::string path)
    : path_(std::move(path)), t0_(std::chrono::steady_clock::now()) {}

int64_t BuildTrace::Now() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now() - t0_)
      .count();
}

void BuildTrace::WatchExit(int pid) {
  int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));  // close-on-exec
  if (fd < 0) return;
  std::lock_guard<std::mutex> lock(watch_mu_);
  if (wake_fd_ < 0) {
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) {
      close(fd);
      return;
    }
    // Detached: it lives as long as the process (the trace is written at exit).
    watcher_ = std::thread([this] { WatchLoop(); });
    watcher_.detach();
  }
  exits_.erase(pid);  // a process of that pid before, never taken
  watched_[pid] = fd;
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
}

int64_t BuildTrace::TakeExit(int pid) {
  std::lock_guard<std::mutex> lock(watch_mu_);
  auto it = exits_.find(pid);
  if (it != exits_.end()) {
    int64_t t = it->second;
    exits_.erase(it);
    return t;
  }
  // Reaped before the watcher saw it exit: the watcher closes its pidfd.
  if (watched_.count(pid) != 0 && wake_fd_ >= 0) {
    forget_.push_back(pid);
    uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof one);
  }
  return -1;
}

void BuildTrace::WatchLoop() {
  std::vector<pollfd> pfds;
  std::vector<int> pids;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(watch_mu_);
      for (int pid : forget_) {
        auto it = watched_.find(pid);
        if (it == watched_.end()) continue;
        close(it->second);
        watched_.erase(it);
      }
      forget_.clear();
      pfds.assign(1, {wake_fd_, POLLIN, 0});
      pids.assign(1, 0);
      for (const auto& [pid, fd] : watched_) {
        pfds.push_back({fd, POLLIN, 0});
        pids.push_back(pid);
      }
    }
    if (poll(pfds.data(), pfds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    int64_t now = Now();
    std::lock_guard<std::mutex> lock(watch_mu_);
    if (pfds[0].revents & POLLIN) {
      uint64_t n;
      (void)!read(wake_fd_, &n, sizeof n);
    }
    for (size_t i = 1; i < pfds.size(); ++i) {
      if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      auto it = watched_.find(pids[i]);
      if (it == watched_.end()) continue;
      bool forgotten = std::find(forget_.begin(), forget_.end(), pids[i]) != forget_.end();
      if (!forgotten) exits_[pids[i]] = now;
      close(it->second);
      watched_.erase(it);
    }
  }
}

int BuildTrace::NewInstance(const std::string& dir, int level) {
  std::lock_guard<std::mutex> lock(mu_);
  instances_.push_back({dir, level});
  return static_cast<int>(instances_.size());
}

int BuildTrace::TakeLane() {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < lanes_.size(); ++i) {
    if (!lanes_[i]) {
      lanes_[i] = true;
      return static_cast<int>(i) + 1;
    }
  }
  lanes_.push_back(true);
  max_lane_ = std::max(max_lane_, static_cast<int>(lanes_.size()));
  return static_cast<int>(lanes_.size());
}

void BuildTrace::FreeLane(int lane) {
  std::lock_guard<std::mutex> lock(mu_);
  if (lane >= 1 && lane <= static_cast<int>(lanes_.size())) lanes_[lane - 1] = false;
}

void BuildTrace::Event(const std::string& name, const std::string& cat, int64_t start,
                       int64_t end, int tid, std::vector<std::pair<std::string, std::string>> args) {
  std::lock_guard<std::mutex> lock(mu_);
  events_.push_back({name, cat, start, std::max(end, start), tid, std::move(args)});
}

namespace {

/// Names are bytes: anything that is not valid UTF-8 is written with U+FFFD in its place
/// (nlohmann-json's "replace" error handler), so the file stays valid JSON.
std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

bool BuildTrace::Write() {
  if (path_.empty()) return true;
  nlohmann::json events = nlohmann::json::array();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int lane = 1; lane <= max_lane_; ++lane) {
      events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", lane},
                        {"args", {{"name", "job slot " + std::to_string(lane)}}}});
    }
    for (size_t i = 0; i < instances_.size(); ++i) {
      std::string label = "make[" + std::to_string(instances_[i].level) + "] #" +
                          std::to_string(i + 1) + " " + instances_[i].dir;
      events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1},
                        {"tid", 100 + static_cast<int>(i) + 1}, {"args", {{"name", label}}}});
    }
    for (const Ev& e : events_) {
      nlohmann::json args = nlohmann::json::object();
      for (const auto& [k, v] : e.args) args[k] = v;
      events.push_back({{"name", e.name}, {"cat", e.cat}, {"ph", "X"}, {"ts", e.start},
                        {"dur", e.end - e.start}, {"pid", 1}, {"tid", e.tid}, {"args", args}});
    }
  }
  nlohmann::json doc = {{"traceEvents", events}, {"displayTimeUnit", "ms"}};
  return ReplaceFile(path_, Dump(doc) + "\n");
}

std::string BuildTrace::Summary() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t wall = Now();
  int64_t recipe_us = 0, shell_us = 0;
  int nrecipes = 0, nshells = 0;
  std::vector<const Ev*> recipes, submakes;
  std::vector<WorkSpan> work;  // for the critical path
  for (const Ev& e : events_) {
    if (e.cat == "recipe" || (e.cat == "make" && e.name == "read makefiles")) {
      // Where: the recipe's make instance; for a reading, the instance's number (its lane
      // is 100 + that) and directory, since Kbuild's sub-makes all share one directory.
      std::string where;
      for (const auto& [k, v] : e.args)
        if (k == (e.cat == "recipe" ? "make" : "directory")) where = v;
      if (e.cat == "make") where = "#" + std::to_string(e.tid - 100) + " " + where;
      work.push_back({e.name, where, e.start, e.end});
    }
    if (e.cat == "recipe") {
      ++nrecipes;
      recipe_us += e.end - e.start;
      recipes.push_back(&e);
    } else if (e.cat == "shell") {
      ++nshells;
      shell_us += e.end - e.start;
    } else if (e.cat == "submake") {
      submakes.push_back(&e);
    }
  }
  auto slowest = [](std::vector<const Ev*>& v) {
    std::sort(v.begin(), v.end(), [](const Ev* a, const Ev* b) {
      return a->end - a->start > b->end - b->start;
    });
    if (v.size() > 10) v.resize(10);
  };
  slowest(recipes);
  slowest(submakes);
  auto sec = [](int64_t us) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(us) / 1e6);
    return std::string(buf);
  };
  std::string s = "kbmake summary: wall " + sec(wall) + ", " + std::to_string(instances_.size()) +
                  " make instance(s), " + std::to_string(nrecipes) + " recipe(s) using " +
                  sec(recipe_us) + " in " + std::to_string(max_lane_) + " job slot(s), " +
                  std::to_string(nshells) + " $(shell) using " + sec(shell_us) + "\n";
  if (!recipes.empty()) s += "kbmake summary: slowest recipes:\n";
  for (const Ev* e : recipes) s += "  " + sec(e->end - e->start) + "  " + e->name + "\n";
  if (!submakes.empty()) s += "kbmake summary: slowest sub-makes:\n";
  for (const Ev* e : submakes) s += "  " + sec(e->end - e->start) + "  " + e->name + "\n";
  s += FormatCriticalPath(work, CriticalPath(work, wall), wall);
  return s;
}

}  // namespace kbmake
