#include "kbmake/base/bigstack.h"

#include <pthread.h>
#include <signal.h>

namespace kbmake {
namespace {

void* Trampoline(void* p) {
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

}  // namespace kbmake
