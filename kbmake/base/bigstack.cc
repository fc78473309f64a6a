#include "kbmake/base/bigstack.h"

#include <pthread.h>
#include <signal.h>

#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define KBMAKE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KBMAKE_ASAN 1
#endif
#endif
#ifdef KBMAKE_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace kbmake {
namespace {

/// The highest address of the current thread's stack (0: unknown).
thread_local uintptr_t t_stack_top = 0;

void RecordStackTop() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
    t_stack_top = reinterpret_cast<uintptr_t>(addr) + size;
  }
  pthread_attr_destroy(&attr);
}

void* Trampoline(void* p) {
  RecordStackTop();
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, s);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  (*static_cast<const std::function<void()>*>(p))();
  return nullptr;
}

}  // namespace

void RunWithBigStack(const std::function<void()>& fn) {
  sigset_t set, old;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, s);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, size_t{1} << 30);
  pthread_t th;
  if (pthread_create(&th, &attr, Trampoline, const_cast<std::function<void()>*>(&fn)) != 0) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    fn();
  } else {
    pthread_join(th, nullptr);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  pthread_attr_destroy(&attr);
}

void PrepareStackForThrow() {
#ifdef KBMAKE_ASAN
  if (t_stack_top == 0) RecordStackTop();
  auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (t_stack_top > here) {
    __asan_unpoison_memory_region(reinterpret_cast<void*>(here), t_stack_top - here);
  }
#endif
}

}  // namespace kbmake
