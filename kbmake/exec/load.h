// -l / --load-average: GNU make 4.3's load_too_high (job.c), which decides whether one more
// job may start while others are running.
#pragma once

#include <ctime>
#include <functional>
#include <string>

namespace kbmake {

class LoadLimiter {
 public:
  /// `report` prints an error message (without the program prefix), once per distinct errno.
  explicit LoadLimiter(std::function<void(const std::string&)> report = nullptr)
      : report_(std::move(report)) {}
  ~LoadLimiter();
  /// True if the load is at or above `max_load` (never for a negative one). First choice, as
  /// in GNU make 4.3: the number of running processes in /proc/loadavg, too high when above
  /// `max_load`. Otherwise getloadavg()'s one-minute average plus a quarter of the jobs
  /// started this second (and a sixteenth of those started the second before).
  bool TooHigh(double max_load);
  /// Counts a process start for the getloadavg() estimate.
  void NoteStart() { ++job_counter_; }

 private:
  std::function<void(const std::string&)> report_;
  int proc_fd_ = -2;  // /proc/loadavg: -2 not tried yet, -1 unusable
  unsigned long job_counter_ = 0;
  double last_sec_ = 0;
  time_t last_now_ = 0;
  int lossage_ = -1;
};

}  // namespace kbmake
