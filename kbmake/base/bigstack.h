// Runs a function on a thread with a large stack: deeply nested $(call)/$(eval) expansion
// recurses in C++, and a clear "maximum expansion depth" error must come before any stack
// overflow.
#pragma once

#include <functional>

namespace kbmake {

/// Runs `fn` on a new thread with a 1 GiB stack (reserved, committed lazily) and waits for it.
/// Fatal signals stay blocked in the calling thread so that they are delivered to `fn`'s.
void RunWithBigStack(const std::function<void()>& fn);

/// Call just before throwing. Under AddressSanitizer, unpoisons the thread's stack from the
/// caller's frame up, as ASan's own no-return hook does but without its 64 MiB limit: an
/// error thrown from thousands of nested expansions would otherwise leave the unwound
/// frames poisoned and produce false reports. A no-op in other builds.
void PrepareStackForThrow();

}  // namespace kbmake
