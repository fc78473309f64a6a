// The C functions of gnumake.h that loaded objects call. Each acts on the make instance whose
// setup or loaded function is running on the calling thread (eval/load_object.h); called at
// any other time (from a thread of the plugin's own, say) it reports the misuse and does
// nothing.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string>

#include "kbmake/eval/gnumake_api.h"
#include "kbmake/eval/load_object.h"
#include "kbmake/make.h"

namespace {

kbmake::Make* Current(const char* fn) {
  kbmake::Make* m = kbmake::CurrentLoadInstance();
  if (m == nullptr) {
    std::string msg = std::string("kbmake: ") + fn +
                      " called outside a loaded object's setup or function; ignored\n";
    ssize_t n = write(2, msg.data(), msg.size());
    (void)n;
  }
  return m;
}

}  // namespace

extern "C" {

void gmk_free(char* str) { free(str); }

char* gmk_alloc(unsigned int len) {
  void* p = malloc(len);
  if (p == nullptr) {
    // GNU make's xmalloc.
    const char msg[] = "make: *** virtual memory exhausted.  Stop.\n";
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    abort();
  }
  return static_cast<char*>(p);
}

void gmk_eval(const char* buffer, const gmk_floc* floc) {
  kbmake::Make* m = Current("gmk_eval");
  if (m == nullptr || buffer == nullptr) return;
  if (floc != nullptr) {
    kbmake::Loc loc;
    if (floc->filenm != nullptr) loc.file = m->InternFileName(floc->filenm);
    loc.line = static_cast<long>(floc->lineno);
    m->EvalString(buffer, &loc);
  } else {
    // GNU make's eval_buffer without a location: the makefile being read, if any.
    m->EvalString(buffer, m->reading_loc());
  }
}

char* gmk_expand(const char* str) {
  kbmake::Make* m = Current("gmk_expand");
  std::string s;
  if (m != nullptr && str != nullptr) m->Expand(str, &s);
  return strdup(s.c_str());
}

void gmk_add_function(const char* name, gmk_func_ptr func, unsigned int min_args,
                      unsigned int max_args, unsigned int flags) {
  kbmake::Make* m = Current("gmk_add_function");
  if (m == nullptr) return;
  kbmake::DefineLoadedFunction(m, name, func, min_args, max_args, flags);
}

}  // extern "C"
