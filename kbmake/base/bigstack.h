// Runs a function on a thread with a large stack: deeply nested $(call)/$(eval) expansion
// recurses in C++, and a clear "maximum expansion depth" error must come before any stack
// overflow.
#pragma once

#include <pthread.h>

#include <functional>

namespace kbmake {

/// Runs `fn` on a new thread with a 1 GiB stack (reserved, committed lazily) and waits for it.
/// Fatal signals stay blocked in the calling thread so that they are delivered to `fn`'s.
void RunWithBigStack(const std::function<void()>& fn);

/// A thread on a 1 GiB stack (RunWithBigStack's, and each in-process sub-make's). The
/// stacks come from a small process-wide pool and go back to it when the thread is joined: a
/// fresh 1 GiB stack costs an mmap, a page fault for every page the thread touches, and a
/// madvise and an munmap when the thread ends (glibc caches no stack that large), 339 times
/// in a Linux build.
/// A stack returned to the pool keeps its top 1 MiB committed and gives the rest back.
/// (Under AddressSanitizer every thread gets a fresh stack, as before.)
class BigStackThread {
 public:
  /// Starts fn(arg); pthread_create's result (0: started).
  int Start(void* (*fn)(void*), void* arg);
  /// Waits for the thread and gives its stack back to the pool.
  void Join();

 private:
  pthread_t thread_{};
  void* stack_ = nullptr;  // the pooled region (guard page first), or null
};

/// Call just before throwing. Under AddressSanitizer, unpoisons the thread's stack from the
/// caller's frame up, as ASan's own no-return hook does but without its 64 MiB limit: an
/// error thrown from thousands of nested expansions would otherwise leave the unwound
/// frames poisoned and produce false reports. A no-op in other builds.
void PrepareStackForThrow();

}  // namespace kbmake
