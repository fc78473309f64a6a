// The `load` directive: dynamic objects loaded into a make instance (GNU make 4.3's load.c)
// and the functions they register through the gnumake.h API (eval/gnumake_api.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "kbmake/base/loc.h"
#include "kbmake/eval/gnumake_api.h"

namespace kbmake {

class Make;

/// A make function registered by a loaded object (GNU make's define_new_function entry).
struct LoadedFunction {
  std::string name;
  gmk_func_ptr fn = nullptr;
  int min_args = 0;
  int max_args = 0;  // 0: no maximum
  bool expand_args = true;
};

/// What one make instance has loaded. Each instance (an in-process sub-make included) has its
/// own, as each GNU make process does: its own list of opened objects (a second dlopen of the
/// same file by another instance only raises the loader's reference count, and the setup
/// function runs again for the new instance) and its own registered functions.
struct LoadedObjects {
  struct Object {
    std::string name;      // as given to `load` (after "(symbol)" was split off)
    void* handle;          // from dlopen; null once unloaded for remaking
  };
  std::vector<Object> objects;  // in load order
  absl::flat_hash_map<std::string, LoadedFunction> functions;
};

/// GNU make's load_file: loads `*ldname` ("file" or "file(symbol)"; set to the file part) and
/// runs its setup function. Returns the setup function's result (0: failure, -1: loaded but
/// not to be remade as a makefile, else success), 1 when it was loaded already (.LOADED), or 0
/// when the object could not be opened and `noerror` (-load) was given. Fatal errors as GNU
/// make's (not GPL compatible, missing symbol, empty symbol name); a failed dlopen without
/// `noerror` prints dlerror() at `loc` and returns 0.
int LoadFile(Make* m, const Loc& loc, std::string* ldname, bool noerror);

/// GNU make's unload_file: closes this instance's handle of `name` before it is remade.
void UnloadFile(Make* m, const std::string& name);

/// The function `name` registered by a loaded object of `m`, or null.
const LoadedFunction* LookupLoadedFunction(Make* m, std::string_view name);

/// Calls a loaded function with `args` (already expanded unless GMK_FUNC_NOEXPAND) and
/// appends its result to `out`.
void CallLoadedFunction(Make* m, const LoadedFunction& f, std::vector<std::string>& args,
                        std::string* out);

/// GNU make's define_new_function: checks the name and argument counts (fatal errors at the
/// current reading position, as GNU make's) and registers the function in `m`.
void DefineLoadedFunction(Make* m, const char* name, gmk_func_ptr fn, unsigned int min_args,
                          unsigned int max_args, unsigned int flags);

/// The instance the gmk_* functions act on: set on the calling thread while a setup function
/// or a loaded function runs (sub-makes run on their own threads, so each sees its own).
Make* CurrentLoadInstance();

/// Makes `m` the current instance for the gmk_* functions while in scope (nests).
class ScopedLoadInstance {
 public:
  explicit ScopedLoadInstance(Make* m);
  ~ScopedLoadInstance();
  ScopedLoadInstance(const ScopedLoadInstance&) = delete;
  ScopedLoadInstance& operator=(const ScopedLoadInstance&) = delete;

 private:
  Make* saved_;
};

}  // namespace kbmake
