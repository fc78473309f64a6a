// The tracer behind the $(shell) memo: a helper process ptraces the command's whole process
// tree, stopping at every system call, and writes down what the tree looked at. Anything it
// cannot vouch for makes the run unrememberable (TraceResult::refusal). docs/SHELL-MEMO.md
// explains the policy; the comments here say how each part is observed.
#include "kbmake/exec/trace.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <map>
#include <set>

#include "kbmake/base/bytes.h"
#include "kbmake/base/fs_cache.h"

namespace kbmake {

namespace {

// Kernel files whose content is the whole of what they say and rarely changes: a dependency
// on one is its content (libselinux, linked into coreutils, reads /proc/filesystems).
bool IsContentFile(const std::string& path) { return path == "/proc/filesystems"; }

uint64_t ContentHash(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  std::string data;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) data.append(buf, n);
  close(fd);
  return Fnv1a64(data);
}

}  // namespace

PathFact ObservePath(const std::string& path, bool follow, FsCache* fs) {
  struct stat st;
  int rc = fs != nullptr ? fs->Stat(path, follow, &st)
                         : follow ? stat(path.c_str(), &st) : lstat(path.c_str(), &st);
  return FactFromStat(path, follow, rc, rc != 0 ? errno : 0, &st);
}

PathFact FactFromStat(const std::string& path, bool follow, int rc, int err,
                      const struct stat* st) {
  PathFact f;
  f.path = path;
  f.follow = follow;
  if (rc != 0) {
    f.err = err;
    return f;
  }
  f.dev = st->st_dev;
  f.ino = st->st_ino;
  f.mode = st->st_mode;
  if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
    // A device node's times say nothing about what reading it gives; its number does.
    f.size = static_cast<int64_t>(st->st_rdev);
    return f;
  }
  if (IsContentFile(path)) {
    f.size = static_cast<int64_t>(ContentHash(path));
    return f;
  }
  f.size = st->st_size;
  f.mtime_ns = st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
  f.ctime_ns = st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
  return f;
}

bool SameState(const PathFact& a, const PathFact& b) {
  if (a.err != b.err) return false;
  if (a.err != 0) return true;
  if (a.dev != b.dev || a.ino != b.ino || a.mode != b.mode) return false;
  // Looking a name up in a directory depends on that name only (its own fact); a directory's
  // size and times change with any entry (/tmp all the time) and count only once listed.
  if (S_ISDIR(a.mode) && !a.listed && !b.listed) return true;
  return a.size == b.size && a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns;
}

#if defined(__x86_64__)  // registers and system call numbers below are x86-64's

namespace {

// The verification run's clock is ahead by 1 year, 1 day, 13 h, 17 min, 29.123456789 s:
// every field of a date (year, weekday, day, AM/PM, hour, minute, second) differs.
constexpr long kShiftSec = 366L * 86400 + 86400 + 13 * 3600 + 17 * 60 + 29;
constexpr long kShiftNs = 123456789;

void EncodeResult(const TraceResult& r, ByteWriter* w) {
  w->I64(r.status);
  w->U64(r.not_run);
  w->Str(r.refusal);
  w->Str(r.err_bytes);
  w->U64(r.deps.size());
  for (const PathFact& f : r.deps) EncodePathFact(f, w);
  w->U64(r.leak_tokens.size());
  for (const std::string& t : r.leak_tokens) w->Str(t);
}

bool DecodeResult(ByteReader* rd, TraceResult* r) {
  r->status = static_cast<int>(rd->I64());
  r->not_run = rd->U64() != 0;
  r->refusal = rd->Str();
  r->err_bytes = rd->Str();
  uint64_t n = rd->U64();
  for (uint64_t i = 0; i < n && rd->ok(); ++i) {
    PathFact f = DecodePathFact(rd);
    r->deps.push_back(std::move(f));
  }
  n = rd->U64();
  for (uint64_t i = 0; i < n && rd->ok(); ++i) r->leak_tokens.push_back(rd->Str());
  return rd->ok();
}

int64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

std::string ReadLink(const std::string& p) {
  char buf[PATH_MAX];
  ssize_t n = readlink(p.c_str(), buf, sizeof buf);
  if (n <= 0 || n >= static_cast<ssize_t>(sizeof buf)) return {};
  return std::string(buf, n);
}

// "/a//b/./c/." -> "/a/b/c" (".." is kept: it means something else after a symlink).
std::string Tidy(const std::string& p) {
  std::string out;
  size_t i = 0;
  while (i < p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    std::string_view part(p.data() + i, j - i);
    if (!part.empty() && part != ".") {
      out.push_back('/');
      out.append(part);
    }
    i = j + 1;
  }
  return out.empty() ? "/" : out;
}

bool Under(const std::string& p, const std::string& dir) {
  return p == dir || (p.size() > dir.size() && p.compare(0, dir.size(), dir) == 0 &&
                      p[dir.size()] == '/');
}

class Tracer {
 public:
  Tracer(pid_t root, bool verify) : root_(root), self_(getpid()), verify_(verify) {
    struct stat st;
    if (fstat(0, &st) == 0) {
      stdin_null_ = S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
      stdin_fifo_ = S_ISFIFO(st.st_mode);
    }
    have_stderr_ = fstat(2, &st) == 0;
  }

  TraceResult Run();

 private:
  struct Pending {
    bool in = false;
    long nr = -1;
    uint64_t a[6] = {};
    std::string p1, p2;
    bool follow = true;
    bool write_open = false;   // open for writing (not /dev/null)
    bool capture = false;      // write to make's stderr
    bool skipped = false;      // not run by the kernel: the tracer sets its result
    long skipped_ret = -ENOSYS;
    bool empty_path = false;   // "" names nothing: the call fails with ENOENT
    std::vector<std::string> new_mods;  // names first changed by this call
  };
  struct Proc {
    Pending sc;
    bool seen = false;
    bool stop_sent = false;  // detaching: a SIGSTOP is on its way
  };

  void Refuse(const std::string& why) {
    if (!r_.refusal.empty()) return;
    r_.refusal = why;
    if (cur_tid_ > 0) {
      std::string exe = ReadLink("/proc/" + std::to_string(cur_tid_) + "/exe");
      if (!exe.empty()) r_.refusal += " (" + exe.substr(exe.rfind('/') + 1) + ")";
    }
  }
  bool Refused() const { return !r_.refusal.empty(); }

  std::string ReadStr(pid_t tid, uint64_t addr) {
    std::string s;
    char buf[256];
    while (s.size() < 8192) {
      struct iovec local = {buf, sizeof buf};
      // Stay within the page so a string near the end of a mapping can still be read.
      size_t room = 4096 - (addr % 4096);
      if (room < sizeof buf) local.iov_len = room;
      struct iovec remote = {reinterpret_cast<void*>(addr), local.iov_len};
      ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i) {
        if (buf[i] == '\0') return s;
        s.push_back(buf[i]);
      }
      addr += n;
    }
    Refuse("could not read a path argument");
    return s;
  }

  bool ReadMem(pid_t tid, uint64_t addr, size_t len, std::string* out) {
    size_t old = out->size();
    out->resize(old + len);
    struct iovec local = {out->data() + old, len};
    struct iovec remote = {reinterpret_cast<void*>(addr), len};
    ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
    if (n != static_cast<ssize_t>(len)) {
      out->resize(old + (n > 0 ? n : 0));
      return false;
    }
    return true;
  }

  std::string FdPath(pid_t tid, long fd) {
    return ReadLink("/proc/" + std::to_string(tid) + "/fd/" + std::to_string(fd));
  }

  // The absolute name of `path` as `tid` resolves it relative to `dirfd`; "" if unknown.
  std::string Abs(pid_t tid, long dirfd, const std::string& path) {
    if (path.empty()) return {};
    if (path[0] == '/') return Tidy(path);
    std::string base = static_cast<int>(dirfd) == AT_FDCWD
                           ? ReadLink("/proc/" + std::to_string(tid) + "/cwd")
                           : FdPath(tid, dirfd);
    if (base.empty() || base[0] != '/') return {};
    return Tidy(base + "/" + path);
  }

  bool SameFile(pid_t tid, long fd, int mine) {
    return syscall(SYS_kcmp, self_, tid, KCMP_FILE, mine, static_cast<int>(fd)) == 0;
  }
  bool IsStdin(pid_t tid, long fd) { return SameFile(tid, fd, 0); }
  // Does the call (about to run) look at make's stdin: its type, mode, size, offset,
  // terminal state, mapping or readiness? Reading it is checked on its own (OnEntry).
  bool InspectsStdin(pid_t tid, long nr, const uint64_t* a) {
    auto is = [&](uint64_t fd) { return IsStdin(tid, static_cast<long>(fd)); };
    switch (nr) {
      // ioctl: only TCGETS (isatty: `rm` asks) is allowed, and the key says whether stdin
      // is a terminal.
      // lseek: on a pipe it always fails (ESPIPE; gnulib's close_stdin asks, in `rm`), and the
      // key says whether stdin is a pipe.
      case SYS_lseek:
        return !stdin_fifo_ && is(a[0]);
      case SYS_fstat: case SYS_fstatfs: case SYS_fadvise64:
      case SYS_fgetxattr: case SYS_flistxattr: case SYS_fchdir: case SYS_fsync:
      case SYS_fdatasync:
        return is(a[0]);
      case SYS_fcntl:
        return a[1] != F_DUPFD && a[1] != F_DUPFD_CLOEXEC && a[1] != F_GETFD &&
               a[1] != F_SETFD && is(a[0]);
      case SYS_newfstatat:  // with AT_EMPTY_PATH: fstat of the descriptor (or below it)
        return (a[3] & AT_EMPTY_PATH) && is(a[0]);
      case SYS_statx:
        return (a[2] & AT_EMPTY_PATH) && is(a[0]);
      case SYS_mmap:
        return !(a[3] & MAP_ANONYMOUS) && is(a[4]);
      case SYS_epoll_ctl:
        return is(a[2]);
      case SYS_poll: case SYS_ppoll: {
        std::string fds;
        uint64_t n = std::min<uint64_t>(a[1], 4096);
        if (!ReadMem(tid, a[0], n * 8, &fds)) return true;
        for (uint64_t i = 0; i < n; ++i) {
          int fd;
          memcpy(&fd, fds.data() + 8 * i, sizeof fd);
          if (fd >= 0 && is(fd)) return true;
        }
        return false;
      }
      case SYS_select: case SYS_pselect6:
        for (uint64_t fd = 0; fd < std::min<uint64_t>(a[0], FD_SETSIZE); ++fd)
          if (is(fd)) return true;
        return false;
      default:
        return false;
    }
  }
  bool IsStderr(pid_t tid, long fd) { return have_stderr_ && SameFile(tid, fd, 2); }
  bool IsExtra(pid_t tid, long fd) {
    for (int e : extras_)
      if (SameFile(tid, fd, e)) return true;
    return false;
  }

  // A dependency first observed now (the syscall's own result must agree with it).
  void Dep(const std::string& abs, bool follow, long ret, bool listed = false) {
    if (abs.empty() && ret == -ENOENT && procs_cur_ && procs_cur_->sc.empty_path) return;
    if (abs.empty()) {
      Refuse("a path the tracer could not resolve");
      return;
    }
    std::string key = abs + std::string(1, follow ? '\1' : '\0');
    auto it = deps_.find(key);
    if (it != deps_.end()) {
      it->second.listed |= listed;
      return;
    }
    PathFact f = ObservePath(abs, follow);
    f.listed = listed;
    if (ret == -ENOENT || ret == -ENOTDIR) {
      if (f.err == 0) Refuse("raced with a change of " + abs);
    }
    // Whether a name exists under /proc or /sys is checked like any other name; what an
    // existing one holds changes without its times moving.
    if (f.err == 0 && !IsContentFile(abs) && (abs.rfind("/proc/", 0) == 0 || abs.rfind("/sys/", 0) == 0 ||
                       abs == "/proc" || abs == "/sys"))
      Refuse("looks at " + abs);
    deps_.emplace(key, std::move(f));
  }

  // `abs` is about to be changed: remember whether it existed before the first change.
  void Mod(const std::string& abs) {
    if (abs.empty()) {
      Refuse("changes a path the tracer could not resolve");
      return;
    }
    if (!modified_.count(abs)) {
      modified_.emplace(abs, ObservePath(abs, false));
      if (procs_cur_) procs_cur_->sc.new_mods.push_back(abs);
    }
  }

  // Is `fd` a file the tree created itself?
  bool OwnFd(pid_t tid, long fd) {
    std::string p = FdPath(tid, fd);
    const char kDeleted[] = " (deleted)";
    if (p.size() > sizeof kDeleted && p.compare(p.size() - sizeof kDeleted + 1, std::string::npos, kDeleted) == 0)
      p.resize(p.size() - sizeof kDeleted + 1);
    for (const auto& [m, pre] : modified_)
      if (Under(p, m)) return true;
    return false;
  }

  // fd-based change: only files the tree created itself may be changed.
  void ModFd(pid_t tid, long fd) {
    std::string p = FdPath(tid, fd);
    const char kDeleted[] = " (deleted)";
    if (p.size() > sizeof kDeleted && p.compare(p.size() - sizeof kDeleted + 1, std::string::npos, kDeleted) == 0)
      p.resize(p.size() - sizeof kDeleted + 1);
    for (const auto& [m, pre] : modified_)
      if (Under(p, m)) return;
    Refuse("changes an open file it did not create: " + p);
  }

  void CheckOpened(pid_t tid, long fd) {
    std::string proc = "/proc/" + std::to_string(tid) + "/fd/" + std::to_string(fd);
    struct stat st;
    if (stat(proc.c_str(), &st) != 0) {
      Refuse("cannot inspect an opened file");
      return;
    }
    if (S_ISCHR(st.st_mode)) {
      dev_t r = st.st_rdev;
      if (r != makedev(1, 3) && r != makedev(1, 5) && r != makedev(1, 7))
        Refuse("opens a device");
      return;
    }
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISBLK(st.st_mode)) {
      Refuse("opens a fifo, socket or block device");
      return;
    }
    struct statfs sf;
    if (statfs(proc.c_str(), &sf) != 0) {
      Refuse("cannot inspect an opened file's file system");
      return;
    }
    std::string canon = FdPath(tid, fd);
    if (IsContentFile(canon)) return;
    // A program's own memory map (GNU grep's stack-overflow handler reads it): its files are
    // dependencies already, its addresses differ in the verification run.
    if (canon == "/proc/" + std::to_string(tid) + "/maps") {
      s_own_maps_ = true;
      return;
    }
    switch (sf.f_type) {
      case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case DEBUGFS_MAGIC: case TRACEFS_MAGIC:
      case CGROUP_SUPER_MAGIC: case CGROUP2_SUPER_MAGIC: case SECURITYFS_MAGIC:
      case BPF_FS_MAGIC: case DEVPTS_SUPER_MAGIC: case PSTOREFS_MAGIC: case EFIVARFS_MAGIC:
        Refuse("opens a file of a kernel file system (" + FdPath(tid, fd) + ")");
        return;
      default:
        break;
    }
  }

  void ValueToken(long v) {
    if (v >= 10) r_.leak_tokens.push_back(std::to_string(v));
  }
  void PidToken(long v) {
    if (v > 1) r_.leak_tokens.push_back(std::to_string(v));
  }

  void OnEntry(pid_t tid, Proc& p, struct user_regs_struct& rg);
  void OnExit(pid_t tid, Proc& p, struct user_regs_struct& rg);
  void OnExec(pid_t tid);

  // Adds the verification run's clock shift to a timespec/timeval at `addr`.
  void ShiftTimespec(pid_t tid, uint64_t addr, long long unit) {
    std::string b;
    if (!ReadMem(tid, addr, 16, &b)) return;
    long t[2];
    memcpy(t, b.data(), 16);
    t[0] += kShiftSec;
    t[1] += unit == 1000000000LL ? kShiftNs : kShiftNs / 1000;
    if (t[1] >= unit) t[1] -= unit, t[0] += 1;
    WriteMem(tid, addr, t, 16);
  }
  void WriteMem(pid_t tid, uint64_t addr, const void* data, size_t len) {
    struct iovec local = {const_cast<void*>(data), len};
    struct iovec remote = {reinterpret_cast<void*>(addr), len};
    if (process_vm_writev(tid, &local, 1, &remote, 1, 0) != static_cast<ssize_t>(len))
      Refuse("could not shift the clock");
  }

  pid_t root_, self_;
  bool verify_;
  bool stdin_null_ = false, stdin_fifo_ = false, have_stderr_ = false;
  bool root_exec_done_ = false;
  bool root_seen_ = false;
  bool detaching_ = false;  // the shell is gone: remaining processes are let go
  std::vector<int> extras_;  // descriptors beyond 0-2 the command inherited
  std::map<pid_t, Proc> procs_;
  Proc* procs_cur_ = nullptr;  // the process whose system call is being handled
  pid_t cur_tid_ = 0;
  bool s_own_maps_ = false;  // the open being handled opened the caller's own maps
  std::map<std::string, PathFact> deps_;
  std::map<std::string, PathFact> modified_;
  TraceResult r_;
};

void Tracer::OnEntry(pid_t tid, Proc& p, struct user_regs_struct& rg) {
  procs_cur_ = &p;
  cur_tid_ = tid;
  Pending& s = p.sc;
  s = Pending();
  s.in = true;
  s.nr = static_cast<long>(rg.orig_rax);
  uint64_t* a = s.a;
  a[0] = rg.rdi, a[1] = rg.rsi, a[2] = rg.rdx, a[3] = rg.r10, a[4] = rg.r8, a[5] = rg.r9;
  // The memo's key says only whether make's stdin is closed, /dev/null, a terminal, and
  // its file type (which of a sub-make's jobs gets the real stdin depends on timing): a
  // command may not look at any other stdin.
  if (!stdin_null_ && InspectsStdin(tid, s.nr, a)) Refuse("looks at make's standard input");
  auto path_at = [&](int dirarg, int patharg) {
    long dirfd = dirarg < 0 ? AT_FDCWD : static_cast<long>(a[dirarg]);
    std::string raw = ReadStr(tid, a[patharg]);
    if (raw.empty()) s.empty_path = true;
    return Abs(tid, dirfd, raw);
  };
  auto open_common = [&](long dirfd_arg, int patharg, uint64_t flags) {
    s.p1 = path_at(static_cast<int>(dirfd_arg), patharg);
    s.follow = !(flags & O_NOFOLLOW);
    bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC));
    if (writes && s.p1 != "/dev/null") {
      s.write_open = true;
      Mod(s.p1);
    }
  };
  switch (s.nr) {
    // Memory, signals, threads, process-local state: no outside input.
    case SYS_brk: case SYS_mmap: case SYS_munmap: case SYS_mprotect: case SYS_mremap:
    case SYS_madvise: case SYS_mlock: case SYS_munlock: case SYS_msync:
    case SYS_rt_sigaction: case SYS_rt_sigprocmask: case SYS_rt_sigreturn:
    case SYS_sigaltstack: case SYS_rt_sigsuspend: case SYS_rt_sigpending: case SYS_pause:
    case SYS_exit: case SYS_exit_group: case SYS_wait4: case SYS_waitid:
    case SYS_set_tid_address: case SYS_set_robust_list: case SYS_get_robust_list:
    case SYS_futex: case SYS_sched_yield: case SYS_arch_prctl: case SYS_getcwd:
    case SYS_pipe: case SYS_pipe2: case SYS_close: case SYS_close_range: case SYS_dup:
    case SYS_dup2: case SYS_dup3: case SYS_lseek: case SYS_fstat: case SYS_fadvise64:
    case SYS_restart_syscall: case SYS_fchdir: case SYS_setpgid: case SYS_setsid:
    case SYS_memfd_create: case SYS_nanosleep: case SYS_clock_nanosleep:
    case SYS_clock_getres: case SYS_fsync: case SYS_fdatasync:
    case SYS_fgetxattr: case SYS_flistxattr:
    case SYS_sched_getparam: case SYS_sched_getscheduler: case SYS_sched_setaffinity:
    case SYS_sched_get_priority_max: case SYS_sched_get_priority_min:
    case SYS_setrlimit: case SYS_clone: case SYS_clone3: case SYS_fork: case SYS_vfork:
    // Inputs that are part of the memo's key (credentials, limits, kernel, CPU set, umask).
    case SYS_getuid: case SYS_geteuid: case SYS_getgid: case SYS_getegid:
    case SYS_getgroups: case SYS_getresuid: case SYS_getresgid: case SYS_uname:
    case SYS_umask: case SYS_sched_getaffinity: case SYS_getrlimit: case SYS_capget:
    // Values that must not appear in the output (checked when the result is stored).
    case SYS_getpid: case SYS_getppid: case SYS_gettid: case SYS_getpgrp: case SYS_getpgid:
    case SYS_getsid:
      break;
    case SYS_getrandom:
      break;
    case SYS_statfs:
      // The file system's type and size are fixed; its free space is not, and differs in the
      // verification run (see OnExit), so a result that prints it is not remembered.
      s.p1 = path_at(-1, 0);
      break;
    case SYS_fstatfs:
      break;
    case SYS_socketpair:
      if (a[0] != AF_UNIX) Refuse("creates a socket");
      break;
    case SYS_socket:
      // glibc's NSS asks nscd over a Unix socket before it reads /etc/passwd (bash calls
      // getpwuid when HOME is unset): a Unix socket may be created; it may only fail to
      // connect because its name does not exist (below), which is a checkable path fact.
      if (a[0] != AF_UNIX) Refuse("creates a socket");
      break;
    case SYS_connect: {
      std::string addr;
      const size_t path_off = offsetof(struct sockaddr_un, sun_path);
      if (a[2] <= path_off || a[2] > sizeof(struct sockaddr_un) ||
          !ReadMem(tid, a[1], a[2], &addr) || addr.size() != a[2]) {
        Refuse("connects a socket");
        break;
      }
      sa_family_t family;
      memcpy(&family, addr.data(), sizeof family);
      std::string name = addr.substr(path_off);
      name = name.substr(0, name.find('\0'));
      // An abstract name (leading NUL) is no file: whether someone listens is not checkable.
      if (family != AF_UNIX || name.empty()) {
        Refuse("connects a socket");
        break;
      }
      s.p1 = Abs(tid, AT_FDCWD, name);
      break;
    }
    case SYS_personality:
      break;
    case SYS_prlimit64:
      if (a[0] != 0 && static_cast<pid_t>(a[0]) != tid && !procs_.count(a[0]))
        Refuse("looks at another process's limits");
      break;
    case SYS_prctl:
      if (a[0] == PR_SET_SECCOMP) Refuse("changes its seccomp mode");
      break;
    case SYS_rseq: {
      // With rseq registered, glibc's sched_getcpu reads the CPU number without a system call.
      // Refuse the registration (as GLIBC_TUNABLES=glibc.pthread.rseq=0 would).
      rg.orig_rax = static_cast<uint64_t>(-1);
      ptrace(PTRACE_SETREGS, tid, nullptr, &rg);
      s.skipped = true;
      break;
    }
    case SYS_poll:
      if (static_cast<int>(a[2]) >= 0) Refuse("waits with a timeout");
      break;
    case SYS_ppoll: case SYS_pselect6:
      if ((s.nr == SYS_ppoll ? a[2] : a[4]) != 0) Refuse("waits with a timeout");
      break;
    case SYS_select:
      if (a[4] != 0) Refuse("waits with a timeout");
      break;
    case SYS_kill: case SYS_tkill: case SYS_rt_sigqueueinfo: {
      pid_t t = static_cast<pid_t>(a[0]);
      if (t <= 0 || !procs_.count(t)) Refuse("signals a process outside the command");
      break;
    }
    case SYS_tgkill: case SYS_rt_tgsigqueueinfo: {
      pid_t t = static_cast<pid_t>(a[1]);
      if (t <= 0 || !procs_.count(t)) Refuse("signals a process outside the command");
      break;
    }
    // Reading paths.
    case SYS_open: open_common(-1, 0, a[1]); break;
    case SYS_creat: open_common(-1, 0, O_CREAT | O_WRONLY | O_TRUNC); break;
    case SYS_openat: open_common(0, 1, a[2]); break;
    case SYS_stat: case SYS_access: case SYS_chdir: case SYS_getxattr: case SYS_listxattr:
    case SYS_execve:  // every PATH candidate tried, found or not
      s.p1 = path_at(-1, 0);
      break;
    case SYS_lstat: case SYS_readlink: case SYS_lgetxattr: case SYS_llistxattr:
      s.p1 = path_at(-1, 0);
      s.follow = false;
      break;
    case SYS_newfstatat: case SYS_statx: {
      uint64_t flags = a[s.nr == SYS_newfstatat ? 3 : 2];
      if (a[1] == 0 && (flags & AT_EMPTY_PATH)) break;
      std::string raw = ReadStr(tid, a[1]);
      if (raw.empty() && (flags & AT_EMPTY_PATH)) break;  // fstat of an open descriptor
      s.p1 = Abs(tid, static_cast<long>(a[0]), raw);
      s.follow = !(flags & AT_SYMLINK_NOFOLLOW);
      break;
    }
    case SYS_faccessat: case SYS_faccessat2:
      s.p1 = path_at(0, 1);
      s.follow = !(s.nr == SYS_faccessat2 && (a[3] & AT_SYMLINK_NOFOLLOW));
      break;
    case SYS_readlinkat:
      s.p1 = path_at(0, 1);
      s.follow = false;
      break;
    // Changing paths: allowed for names that did not exist before and do not after.
    case SYS_mkdir: case SYS_rmdir: case SYS_unlink: case SYS_chmod: case SYS_chown:
    case SYS_lchown: case SYS_utime: case SYS_utimes: case SYS_truncate: case SYS_mknod:
    case SYS_setxattr: case SYS_lsetxattr: case SYS_removexattr: case SYS_lremovexattr:
      s.p1 = path_at(-1, 0);
      Mod(s.p1);
      break;
    case SYS_mkdirat: case SYS_unlinkat: case SYS_fchmodat: case SYS_fchownat:
    case SYS_futimesat: case SYS_mknodat:
      s.p1 = path_at(0, 1);
      Mod(s.p1);
      break;
    case SYS_utimensat:
      if (a[1] == 0) {
        ModFd(tid, static_cast<long>(a[0]));
      } else {
        s.p1 = path_at(0, 1);
        Mod(s.p1);
      }
      break;
    case SYS_rename:
      s.p1 = path_at(-1, 0), s.p2 = path_at(-1, 1);
      Mod(s.p1), Mod(s.p2);
      break;
    case SYS_renameat: case SYS_renameat2:
      s.p1 = path_at(0, 1), s.p2 = path_at(2, 3);
      Mod(s.p1), Mod(s.p2);
      break;
    case SYS_link: case SYS_linkat: {
      // The old name's inode changes (link count, ctime): only a file of the run may be linked.
      std::string from = s.nr == SYS_link ? path_at(-1, 0) : path_at(0, 1);
      std::string to = s.nr == SYS_link ? path_at(-1, 1) : path_at(2, 3);
      bool own = false;
      for (const auto& [m, pre] : modified_) own |= Under(from, m);
      if (!own) Refuse("links a file it did not create");
      Mod(to);
      break;
    }
    case SYS_symlink: s.p1 = path_at(-1, 1); Mod(s.p1); break;
    case SYS_symlinkat: s.p1 = path_at(1, 2); Mod(s.p1); break;
    case SYS_fchmod: case SYS_fchown: case SYS_ftruncate: case SYS_fallocate:
    case SYS_fsetxattr: case SYS_fremovexattr:
      ModFd(tid, static_cast<long>(a[0]));
      break;
    // Descriptor I/O: make's stdin may not be read (unless it is /dev/null), make's stderr
    // is recorded, other inherited descriptors may not be used.
    case SYS_read: case SYS_readv: case SYS_pread64: case SYS_preadv: case SYS_preadv2:
      if ((!stdin_null_ && IsStdin(tid, a[0])) || IsExtra(tid, a[0]))
        Refuse("reads make's standard input or an inherited descriptor");
      break;
    case SYS_write: case SYS_writev: case SYS_pwrite64: case SYS_pwritev: case SYS_pwritev2:
      if (IsStderr(tid, a[0])) {
        s.capture = true;
        if (verify_) {
          // The second run's stderr is compared, not shown: take the bytes, skip the call.
          uint64_t total = 0;
          if (s.nr == SYS_write || s.nr == SYS_pwrite64) {
            total = a[2];
            ReadMem(tid, a[1], total, &r_.err_bytes);
          } else {
            for (uint64_t i = 0; i < a[2]; ++i) {
              std::string iov;
              if (!ReadMem(tid, a[1] + 16 * i, 16, &iov)) break;
              uint64_t base, len;
              memcpy(&base, iov.data(), 8);
              memcpy(&len, iov.data() + 8, 8);
              ReadMem(tid, base, len, &r_.err_bytes);
              total += len;
            }
          }
          rg.orig_rax = static_cast<uint64_t>(-1);
          ptrace(PTRACE_SETREGS, tid, nullptr, &rg);
          s.skipped = true;
          s.skipped_ret = static_cast<long>(total);
        }
      } else if (IsStdin(tid, a[0]) || IsExtra(tid, a[0])) {
        Refuse("writes to make's standard input or an inherited descriptor");
      }
      break;
    case SYS_sendfile: case SYS_splice: case SYS_tee: case SYS_copy_file_range: {
      long in = static_cast<long>(s.nr == SYS_sendfile ? a[1] : a[0]);
      long out = static_cast<long>(s.nr == SYS_sendfile ? a[0] : s.nr == SYS_tee ? a[1] : a[2]);
      if (IsStderr(tid, out) || IsStdin(tid, in) || IsExtra(tid, in) || IsExtra(tid, out))
        Refuse("copies between inherited descriptors");
      break;
    }
    case SYS_getdents: case SYS_getdents64:
      break;
    case SYS_ioctl:
      switch (a[1]) {
        // TCGETS: isatty. TIOCGWINSZ, TIOCGPGRP (bash asks its stderr at start): refused
        // on exit if they succeed (a terminal's size, its foreground group), else they only
        // say "not a terminal", which the key says too.
        case TCGETS: case TIOCGWINSZ: case TIOCGPGRP: case FIOCLEX: case FIONCLEX: break;
        default: Refuse("ioctl " + std::to_string(a[1]));
      }
      break;
    case SYS_fcntl:
      switch (a[1]) {
        case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK:
        case F_OFD_SETLKW: case F_SETOWN: case F_SETSIG: case F_SETLEASE: case F_NOTIFY:
          // A lock on a file of the run's own (gcc locks its .gcno) meets no other process.
          if (!OwnFd(tid, static_cast<long>(a[0])))
            Refuse("file locks or notifications (fcntl " + std::to_string(a[1]) + ")");
          break;
        default:
          break;
      }
      break;
    case SYS_sysinfo: case SYS_getrusage:
      // Tolerated (docs/SHELL-MEMO.md): sysconf(_SC_PHYS_PAGES) calls sysinfo (cc1 sizes its
      // garbage collector by it; the static fields are in the key), `as` takes getrusage at
      // start for --statistics. The changing values must not show in the output.
      if (s.nr == SYS_getrusage && a[0] != static_cast<uint64_t>(RUSAGE_SELF) &&
          a[0] != static_cast<uint64_t>(RUSAGE_THREAD))
        Refuse("reads the resource usage of children");
      break;
    // The clock: accepted because the result is only remembered when a second run with the
    // clock shifted (and fresh pids and random bytes) gives the same result.
    case SYS_clock_gettime: case SYS_gettimeofday: case SYS_time:
      break;
    case SYS_times: case SYS_clock_settime: case SYS_settimeofday: case SYS_adjtimex:
    case SYS_clock_adjtime: case SYS_alarm: case SYS_setitimer: case SYS_getitimer:
    case SYS_timer_create: case SYS_timerfd_create:
      Refuse("uses timers (system call " + std::to_string(s.nr) + ")");
      break;
    default:
      Refuse("system call " + std::to_string(s.nr));
      break;
  }
}

void Tracer::OnExit(pid_t tid, Proc& p, struct user_regs_struct& rg) {
  procs_cur_ = &p;
  cur_tid_ = tid;
  Pending& s = p.sc;
  s.in = false;
  long ret = static_cast<long>(rg.rax);
  uint64_t* a = s.a;
  if (s.skipped) {
    rg.rax = static_cast<uint64_t>(s.skipped_ret);
    ptrace(PTRACE_SETREGS, tid, nullptr, &rg);
    return;
  }
  if (Refused()) {
    return;
  }
  if (ret < 0 && !s.new_mods.empty()) {
    // A change that failed changed nothing (mkdir -p of an existing directory); what the
    // name was (EEXIST, ENOENT...) is what the command learnt.
    for (const std::string& m : s.new_mods) {
      PathFact pre = modified_[m];
      modified_.erase(m);
      if (!deps_.count(m + std::string(1, '\0'))) deps_.emplace(m + std::string(1, '\0'), pre);
    }
  }
  switch (s.nr) {
    case SYS_open: case SYS_openat: case SYS_creat:
      s_own_maps_ = false;
      if (ret >= 0) CheckOpened(tid, ret);
      if (!s.write_open && !s_own_maps_) Dep(s.p1, s.follow, ret);
      break;
    case SYS_stat: case SYS_access: case SYS_chdir: case SYS_getxattr: case SYS_listxattr:
    case SYS_lstat: case SYS_readlink: case SYS_lgetxattr: case SYS_llistxattr:
    case SYS_newfstatat: case SYS_statx: case SYS_faccessat: case SYS_faccessat2:
    case SYS_readlinkat:
      if (!s.p1.empty() || s.empty_path) {
        Dep(s.p1, s.follow, ret);
      } else if (!(s.nr == SYS_newfstatat || s.nr == SYS_statx)) {
        Refuse("a path the tracer could not resolve");
      }
      break;
    case SYS_getdents: case SYS_getdents64:
      if (ret >= 0) {
        std::string d = FdPath(tid, static_cast<long>(a[0]));
        if (d.empty() || d[0] != '/') {
          Refuse("lists a directory the tracer cannot name");
        } else {
          Dep(d, true, 0, /*listed=*/true);
        }
      }
      break;
    case SYS_write: case SYS_pwrite64:
      if (s.capture && ret > 0) ReadMem(tid, a[1], ret, &r_.err_bytes);
      break;
    case SYS_writev: case SYS_pwritev: case SYS_pwritev2:
      if (s.capture && ret > 0) {
        size_t left = ret;
        for (uint64_t i = 0; i < a[2] && left > 0; ++i) {
          std::string iov;
          if (!ReadMem(tid, a[1] + 16 * i, 16, &iov)) break;
          uint64_t base, len;
          memcpy(&base, iov.data(), 8);
          memcpy(&len, iov.data() + 8, 8);
          size_t take = len < left ? len : left;
          ReadMem(tid, base, take, &r_.err_bytes);
          left -= take;
        }
      }
      break;
    case SYS_connect:
      // Only "no such name" is an answer the file system alone gives; a refused or accepted
      // connection depends on a process listening.
      if (ret == -ENOENT || ret == -ENOTDIR) {
        Dep(s.p1, true, ret);
      } else {
        Refuse("connects to a socket (" + s.p1 + ")");
      }
      break;
    case SYS_ioctl:
      if (a[1] == TIOCGWINSZ && ret == 0) Refuse("reads a terminal's size");
      if (a[1] == TIOCGPGRP && ret == 0) Refuse("reads a terminal's process group");
      break;
    case SYS_getpid: case SYS_getppid: case SYS_gettid: case SYS_getpgrp: case SYS_getpgid:
    case SYS_getsid: case SYS_fork: case SYS_vfork: case SYS_clone: case SYS_clone3:
      PidToken(ret);
      break;
    case SYS_clock_gettime:
      if (verify_ && ret == 0) ShiftTimespec(tid, a[1], 1000000000LL);
      break;
    case SYS_gettimeofday:
      if (verify_ && ret == 0 && a[0] != 0) ShiftTimespec(tid, a[0], 1000000LL);
      break;
    case SYS_time:
      if (verify_ && ret > 0) {
        rg.rax = static_cast<uint64_t>(ret + kShiftSec);
        ptrace(PTRACE_SETREGS, tid, nullptr, &rg);
        if (a[0] != 0) {
          long t = ret + kShiftSec;
          WriteMem(tid, a[0], &t, sizeof t);
        }
      }
      break;
    case SYS_sysinfo:
      if (ret == 0) {
        std::string b;
        if (!ReadMem(tid, a[0], sizeof(struct sysinfo), &b)) {
          Refuse("sysinfo");
          break;
        }
        struct sysinfo si;
        memcpy(&si, b.data(), sizeof si);
        for (unsigned long v : {static_cast<unsigned long>(si.uptime), si.freeram,
                                si.sharedram, si.bufferram, si.freeswap})
          ValueToken(static_cast<long>(v));
        if (verify_) {
          si.uptime += kShiftSec;
          si.freeram = si.freeram > 0 ? si.freeram - 1 : 1;
          si.bufferram += 1, si.sharedram += 1, si.procs += 1;
          si.loads[0] += 1, si.loads[1] += 1, si.loads[2] += 1;
          WriteMem(tid, a[0], &si, sizeof si);
        }
      }
      break;
    case SYS_getrusage:
      if (ret == 0) {
        std::string b;
        if (!ReadMem(tid, a[1], sizeof(struct rusage), &b)) {
          Refuse("getrusage");
          break;
        }
        struct rusage ru;
        memcpy(&ru, b.data(), sizeof ru);
        if (verify_) {
          ru.ru_utime.tv_sec += 1, ru.ru_stime.tv_sec += 1;
          ru.ru_maxrss += 1, ru.ru_minflt += 1, ru.ru_nvcsw += 1;
          WriteMem(tid, a[1], &ru, sizeof ru);
        }
      }
      break;
    case SYS_statfs: case SYS_fstatfs:
      if (s.nr == SYS_statfs) Dep(s.p1, true, ret);
      if (verify_ && ret == 0) {
        uint64_t buf = a[1];
        std::string b;
        if (ReadMem(tid, buf, sizeof(struct statfs), &b)) {
          struct statfs sf;
          memcpy(&sf, b.data(), sizeof sf);
          sf.f_bfree = sf.f_bfree > 0 ? sf.f_bfree - 1 : 1;
          sf.f_bavail = sf.f_bavail > 0 ? sf.f_bavail - 1 : 1;
          sf.f_ffree = sf.f_ffree > 0 ? sf.f_ffree - 1 : 1;
          WriteMem(tid, buf, &sf, sizeof sf);
        }
      }
      break;
    case SYS_execve:
      if (!s.p1.empty()) {
        Dep(s.p1, true, ret);
        if (ret == 0) {
          // "#!interpreter": the kernel looked the interpreter up by that name.
          int fd = open(s.p1.c_str(), O_RDONLY | O_CLOEXEC);
          if (fd >= 0) {
            char head[256];
            ssize_t n = read(fd, head, sizeof head);
            close(fd);
            if (n > 2 && head[0] == '#' && head[1] == '!') {
              std::string line(head + 2, n - 2);
              line = line.substr(0, line.find('\n'));
              size_t b = line.find_first_not_of(" \t");
              if (b != std::string::npos) {
                size_t e = line.find_first_of(" \t", b);
                Dep(Tidy(line.substr(b, e == std::string::npos ? e : e - b)), true, 0);
              }
            }
          }
        }
      }
      break;
    default:
      break;
  }
}

void Tracer::OnExec(pid_t tid) {
  struct user_regs_struct rg;
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &rg) != 0) {
    Refuse("lost a process at exec");
    return;
  }
  // Hide the vDSO: AT_SYSINFO_EHDR becomes AT_IGNORE, so the C library makes real system
  // calls for the clock (clock_gettime, gettimeofday, time, getcpu), which the tracer sees.
  uint64_t sp = rg.rsp;
  auto word = [&](uint64_t i, uint64_t* v) {
    std::string b;
    if (!ReadMem(tid, sp + 8 * i, 8, &b)) return false;
    memcpy(v, b.data(), 8);
    return true;
  };
  uint64_t argc = 0, v = 0, i = 0;
  bool ok = word(0, &argc);
  i = 1 + argc + 1;
  while (ok && (ok = word(i, &v)) && v != 0) ++i;  // environment
  ++i;
  bool hidden = false;
  while (ok && (ok = word(i, &v)) && v != AT_NULL) {
    if (v == AT_SYSINFO_EHDR) {
      hidden = ptrace(PTRACE_POKEDATA, tid, reinterpret_cast<void*>(sp + 8 * i),
                      reinterpret_cast<void*>(AT_IGNORE)) == 0;
    }
    i += 2;
  }
  if (!ok || !hidden) Refuse("could not hide the vDSO");
  // The program and its interpreter are mapped by the kernel without a system call.
  FILE* maps = fopen(("/proc/" + std::to_string(tid) + "/maps").c_str(), "re");
  if (maps) {
    char line[4096];
    while (fgets(line, sizeof line, maps)) {
      char* slash = strchr(line, '/');
      if (!slash) continue;
      std::string path(slash);
      while (!path.empty() && path.back() == '\n') path.pop_back();
      Dep(path, true, 0);
    }
    fclose(maps);
  }
  if (tid == root_ && !root_exec_done_) {
    root_exec_done_ = true;
    // Descriptors beyond 0-2 that survived exec were inherited from make.
    for (int fd = 3; fd < 1024; ++fd) {
      std::string p = "/proc/" + std::to_string(tid) + "/fd/" + std::to_string(fd);
      if (access(p.c_str(), F_OK) == 0) extras_.push_back(fd);
    }
  }
}

TraceResult Tracer::Run() {
  procs_[root_].seen = false;
  bool root_done = false;
  while (!procs_.empty()) {
    int st;
    pid_t tid = waitpid(-1, &st, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      procs_.erase(tid);
      if (tid == root_) {
        root_done = true;
        if (!root_seen_) {
          r_.not_run = true;
          Refuse("could not trace the command");
        }
        r_.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (!procs_.empty()) {
          // Background processes outlive the shell: let them go on untraced, as they would
          // under GNU make. A SIGSTOP brings each to a stop where it can be detached (the
          // stop itself is then discarded); new children detach at their first stop.
          Refuse("left processes running");
          detaching_ = true;
          for (auto& [t, pr] : procs_) {
            if (!pr.seen) continue;
            syscall(SYS_tkill, t, SIGSTOP);
            pr.stop_sent = true;
          }
        }
      }
      continue;
    }
    if (!WIFSTOPPED(st)) continue;
    cur_tid_ = tid;
    Proc& p = procs_[tid];
    int sig = WSTOPSIG(st);
    int event = st >> 16;
    int inject = 0;
    if (detaching_) {
      siginfo_t si;
      bool delivery = event == 0 && sig != (SIGTRAP | 0x80) &&
                      ptrace(PTRACE_GETSIGINFO, tid, nullptr, &si) == 0;
      if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
          event == PTRACE_EVENT_CLONE) {
        unsigned long child = 0;
        ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &child);
        procs_[static_cast<pid_t>(child)];
      }
      if (sig == SIGSTOP && event == 0 && (!p.seen || (p.stop_sent && delivery))) {
        ptrace(PTRACE_DETACH, tid, nullptr, nullptr);
        procs_.erase(tid);
        continue;
      }
      p.seen = true;
      ptrace(PTRACE_CONT, tid, nullptr,
             reinterpret_cast<void*>(static_cast<long>(delivery ? sig : 0)));
      continue;
    }
    if (!p.seen && sig == SIGSTOP && event == 0) {
      p.seen = true;
      if (tid == root_) {
        root_seen_ = true;
        ptrace(PTRACE_SETOPTIONS, tid, nullptr,
               PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                   PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
      }
    } else if (sig == (SIGTRAP | 0x80)) {
      p.seen = true;
      struct user_regs_struct rg;
      if (ptrace(PTRACE_GETREGS, tid, nullptr, &rg) == 0) {
        if (!p.sc.in) {
          OnEntry(tid, p, rg);
        } else {
          OnExit(tid, p, rg);
        }
      }
    } else if (sig == SIGTRAP && event != 0) {
      p.seen = true;
      if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
          event == PTRACE_EVENT_CLONE) {
        unsigned long child = 0;
        ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &child);
        procs_[static_cast<pid_t>(child)];
      } else if (event == PTRACE_EVENT_EXEC) {
        unsigned long former = 0;
        ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &former);
        if (static_cast<pid_t>(former) != tid) {
          Refuse("a thread other than the main one called exec");
          procs_.erase(static_cast<pid_t>(former));
        }
        OnExec(tid);
      }
    } else {
      p.seen = true;
      siginfo_t si;
      if (ptrace(PTRACE_GETSIGINFO, tid, nullptr, &si) != 0) {
        Refuse("stopped by a signal");  // group-stop
      } else if (si.si_code <= 0 && si.si_pid != 0 && !procs_.count(si.si_pid)) {
        Refuse("received a signal from outside the command");
      }
      inject = sig;
    }
    ptrace(PTRACE_SYSCALL, tid, nullptr, reinterpret_cast<void*>(static_cast<long>(inject)));
  }
  cur_tid_ = 0;
  if (!root_done) Refuse("lost the command");
  if (!root_exec_done_) Refuse("the command did not start");
  // Names the run created must be gone again, and must not have existed before.
  for (const auto& [path, pre] : modified_) {
    if (pre.err != ENOENT) {
      Refuse("changes " + path);
      continue;
    }
    PathFact post = ObservePath(path, false);
    if (post.err != ENOENT) Refuse("leaves " + path + " behind");
  }
  // What the run saw of its own temporary names is not a dependency; their absence before
  // the run is.
  int64_t now = NowNs();
  for (auto& [key, f] : deps_) {
    bool own = false;
    for (const auto& [m, pre] : modified_) own |= Under(f.path, m);
    if (own) continue;
    PathFact again = ObservePath(f.path, f.follow);
    again.listed = f.listed;
    if (!SameState(f, again)) Refuse(f.path + " changed during the run");
    if (again.err == 0 && S_ISDIR(again.mode) && !f.listed) {
      r_.deps.push_back(std::move(f));
      continue;
    }
    // Timestamps have a granularity of a clock tick: a file changed within the last 100 ms
    // could change again without its ctime moving ("racy" entries, as in git's index).
    if (again.err == 0 && !S_ISCHR(again.mode) && again.ctime_ns > now - 100000000LL)
      Refuse(f.path + " changed too recently");
    r_.deps.push_back(std::move(f));
  }
  for (const auto& [path, pre] : modified_) r_.deps.push_back(pre);
  return std::move(r_);
}

}  // namespace

#else
namespace {
bool DecodeResult(ByteReader*, TraceResult*) { return false; }
}  // namespace
#endif

TracedRun::TracedRun(ExecImage& image, int in_fd, int out_fd, int err_fd, bool verify) {
#if !defined(__x86_64__)
  // No tracer: ok() is false and the command runs the ordinary way.
  (void)image, (void)in_fd, (void)out_fd, (void)err_fd, (void)verify;
#else
  int res[2];
  if (pipe2(res, O_CLOEXEC) != 0) return;
  fflush(stdout);
  fflush(stderr);
  pid_t helper = fork();
  if (helper < 0) {
    close(res[0]);
    close(res[1]);
    return;
  }
  if (helper == 0) {
    close(res[0]);
    // The make instance's stdin and stderr (an in-process sub-make's may be other descriptors)
    // are the helper's 0 and 2: the command inherits them, and the tracer's policy (make's
    // stdin, make's stderr) looks at them there.
    if (in_fd != 0 && dup2(in_fd, 0) < 0) close(0);
    if (err_fd != 2) dup2(err_fd, 2);
    // The helper must not run make's handlers (SIGCHLD self-pipe, fatal-signal cleanup).
    for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
      struct sigaction old;
      sigaction(s, nullptr, &old);
      if (old.sa_handler != SIG_IGN) {
        struct sigaction dfl = {};
        dfl.sa_handler = SIG_DFL;
        sigaction(s, &dfl, nullptr);
      }
    }
    TraceResult r;
    pid_t cmd = fork();
    if (cmd == 0) {
      close(res[1]);
      // Already traced (strace -f, a debugger): the command is not run here; the caller
      // runs it the ordinary way (TraceResult::not_run).
      if (ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) _exit(127);
      raise(SIGSTOP);
      dup2(out_fd, 1);
      if (out_fd != 1) close(out_fd);
      image.Exec();
    }
    if (out_fd != 1) close(out_fd);
    if (cmd < 0) {
      r.refusal = "fork failed";
      r.status = 127;
    } else {
      r = Tracer(cmd, verify).Run();
    }
    ByteWriter w;
    EncodeResult(r, &w);
    const std::string& b = w.bytes();
    size_t off = 0;
    while (off < b.size()) {
      ssize_t n = write(res[1], b.data() + off, b.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      off += n;
    }
    _exit(0);
  }
  close(res[1]);
  helper_ = helper;
  result_fd_ = res[0];
#endif
}

TracedRun::~TracedRun() {
  if (result_fd_ >= 0) close(result_fd_);
}

TraceResult TracedRun::Finish() {
  TraceResult r;
  std::string bytes;
  char buf[65536];
  while (true) {
    ssize_t n = read(result_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buf, n);
  }
  close(result_fd_);
  result_fd_ = -1;
  int st;
  while (waitpid(helper_, &st, 0) < 0 && errno == EINTR) {
  }
  ByteReader rd(bytes);
  if (!DecodeResult(&rd, &r)) {
    r = TraceResult();
    r.status = 127;
    r.refusal = "the tracer failed";
  }
  return r;
}

void EncodePathFact(const PathFact& f, ByteWriter* w) {
  w->Str(f.path);
  w->U64(f.follow | (f.listed << 1));
  w->I64(f.err);
  w->U64(f.dev);
  w->U64(f.ino);
  w->U64(f.mode);
  w->I64(f.size);
  w->I64(f.mtime_ns);
  w->I64(f.ctime_ns);
}

PathFact DecodePathFact(ByteReader* r) {
  PathFact f;
  f.path = r->Str();
  uint64_t bits = r->U64();
  f.follow = bits & 1;
  f.listed = (bits & 2) != 0;
  f.err = static_cast<int>(r->I64());
  f.dev = r->U64();
  f.ino = r->U64();
  f.mode = static_cast<uint32_t>(r->U64());
  f.size = r->I64();
  f.mtime_ns = r->I64();
  f.ctime_ns = r->I64();
  return f;
}

}  // namespace kbmake
