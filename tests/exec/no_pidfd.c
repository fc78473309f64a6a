/* no-pidfd PROGRAM [ARGS...]: runs PROGRAM with pidfd_open(2) failing with ENOSYS, as on
 * kernels before 5.3, under seccomp policies that do not know the call, or under valgrind.
 * The seccomp filter is inherited by every process PROGRAM starts, so a kbmake started by it
 * (or by a test runner started by it) cannot watch its children through pidfds and must still
 * collect them (tests/exec/CMakeLists.txt). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434 /* the same number on every architecture */
#endif

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: no-pidfd PROGRAM [ARGS...]\n");
    return 2;
  }
  struct sock_filter filter[] = {
      /* Another architecture's system call numbers mean other calls: leave those alone. */
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_pidfd_open, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof filter / sizeof filter[0], filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    fprintf(stderr, "no-pidfd: cannot install the seccomp filter: %s\n", strerror(errno));
    return 2;
  }
  /* The filter must work, or the test would pass without testing anything. */
  if (syscall(__NR_pidfd_open, getpid(), 0) >= 0 || errno != ENOSYS) {
    fprintf(stderr, "no-pidfd: pidfd_open still works under the filter\n");
    return 2;
  }
  execvp(argv[1], argv + 1);
  fprintf(stderr, "no-pidfd: %s: %s\n", argv[1], strerror(errno));
  return 127;
}
