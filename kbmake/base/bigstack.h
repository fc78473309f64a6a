// Runs a function on a thread with a large stack: deeply nested $(call)/$(eval) expansion
// recurses in C++, and a clear "maximum expansion depth" error must come before any stack
// overflow.
#pragma once

#include <functional>

namespace kbmake {

/// Runs `fn` on a new thread with a 1 GiB stack (reserved, committed lazily) and waits for it.
/// Fatal signals stay blocked in the calling thread so that they are delivered to `fn`'s.
void RunWithBigStack(const std::function<void()>& fn);

}  // namespace kbmake
