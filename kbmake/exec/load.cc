#include "kbmake/exec/load.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kbmake {

namespace {
constexpr double kLoadWeightA = 0.25;
constexpr double kLoadWeightB = 0.25;
}  // namespace

LoadLimiter::~LoadLimiter() {
  if (proc_fd_ >= 0) close(proc_fd_);
}

bool LoadLimiter::TooHigh(double max_load) {
  if (max_load < 0) return false;
  if (proc_fd_ == -2) {
    proc_fd_ = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (proc_fd_ < 0) proc_fd_ = -1;
  }
  if (proc_fd_ >= 0) {
    // "<1m> <5m> <15m> <running>/<total> <last pid>"
    char avg[65];
    ssize_t r = pread(proc_fd_, avg, sizeof avg - 1, 0);
    if (r >= 0) {
      avg[r] = '\0';
      const char* p = strchr(avg, ' ');
      if (p) p = strchr(p + 1, ' ');
      if (p) p = strchr(p + 1, ' ');
      if (p && isdigit(static_cast<unsigned char>(p[1]))) {
        return static_cast<double>(atoi(p + 1)) > max_load;
      }
    }
    close(proc_fd_);
    proc_fd_ = -1;
  }
  double load;
  if (getloadavg(&load, 1) != 1) {
    int err = errno;
    if ((lossage_ == -1 || err != lossage_) && report_) {
      report_(err == 0 ? std::string("cannot enforce load limits on this operating system")
                       : std::string("cannot enforce load limit: getloadavg: ") + strerror(err));
    }
    lossage_ = err;
    load = 0;
  }
  // A new second: the jobs started in the last one count a quarter as much, for a second.
  time_t now = time(nullptr);
  if (last_now_ < now) {
    last_sec_ = last_now_ == now - 1 ? kLoadWeightB * job_counter_ : 0.0;
    job_counter_ = 0;
    last_now_ = now;
  }
  double guess = load + kLoadWeightA * (job_counter_ + last_sec_);
  return guess >= max_load;
}

}  // namespace kbmake
