#include "kbmake/base/bigstack.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

#include <cstdint>
#include <mutex>
#include <vector>

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
  BigStackThread th;
  if (th.Start(Trampoline, const_cast<std::function<void()>*>(&fn)) != 0) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    fn();
  } else {
    th.Join();
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
}

namespace {

constexpr size_t kBigStack = size_t{1} << 30;
constexpr size_t kGuard = 1 << 16;         // PROT_NONE below the stack
constexpr size_t kKeepCommitted = 1 << 20;  // the top of a returned stack stays in memory
constexpr size_t kPoolMax = 16;
#ifdef KBMAKE_ASAN
constexpr bool kPoolStacks = false;  // ASan keeps its own books on each thread's stack
#else
constexpr bool kPoolStacks = true;
#endif

std::mutex g_pool_mu;
std::vector<void*> g_pool;  // free regions of kGuard + kBigStack bytes

void* TakeStack() {
  {
    std::lock_guard<std::mutex> lock(g_pool_mu);
    if (!g_pool.empty()) {
      void* r = g_pool.back();
      g_pool.pop_back();
      return r;
    }
  }
  void* r = mmap(nullptr, kGuard + kBigStack, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (r == MAP_FAILED) return nullptr;
  if (mprotect(r, kGuard, PROT_NONE) != 0) {
    munmap(r, kGuard + kBigStack);
    return nullptr;
  }
  return r;
}

void GiveStack(void* r) {
  // All but the top kKeepCommitted bytes go back to the kernel (a deep recursion must not
  // stay resident); the pages are zero again when touched next.
  madvise(static_cast<char*>(r) + kGuard, kBigStack - kKeepCommitted, MADV_DONTNEED);
  {
    std::lock_guard<std::mutex> lock(g_pool_mu);
    if (g_pool.size() < kPoolMax) {
      g_pool.push_back(r);
      return;
    }
  }
  munmap(r, kGuard + kBigStack);
}

}  // namespace

int BigStackThread::Start(void* (*fn)(void*), void* arg) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  stack_ = kPoolStacks ? TakeStack() : nullptr;
  if (stack_ != nullptr) {
    pthread_attr_setstack(&attr, static_cast<char*>(stack_) + kGuard, kBigStack);
  } else {
    pthread_attr_setstacksize(&attr, kBigStack);
  }
  int rc = pthread_create(&thread_, &attr, fn, arg);
  pthread_attr_destroy(&attr);
  if (rc != 0 && stack_ != nullptr) {
    GiveStack(stack_);
    stack_ = nullptr;
  }
  return rc;
}

void BigStackThread::Join() {
  pthread_join(thread_, nullptr);
  if (stack_ != nullptr) GiveStack(stack_);
  stack_ = nullptr;
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
