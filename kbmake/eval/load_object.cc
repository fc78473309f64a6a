// The `load` directive (GNU make 4.3's load.c) and the registry of loaded functions.
#include "kbmake/eval/load_object.h"

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <mutex>
#include <set>

#include "kbmake/base/strutil.h"
#include "kbmake/make.h"

namespace kbmake {
namespace {

thread_local Make* t_current = nullptr;

// The objects opened by `load` in any instance of the process, by link map. GNU make looks a
// setup symbol up in the global scope first (a process's own earlier loads included); kbmake
// runs sub-makes inside one process, so a symbol found there in an object that another
// instance loaded does not count: that instance's process would not have it.
std::mutex g_maps_mu;
std::multiset<const void*> g_plugin_maps;

const void* LinkMapOf(void* handle) {
  struct link_map* lm = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0) return nullptr;
  return lm;
}

using SetupFunc = int (*)(const gmk_floc*);

// `text` with every `from` replaced by `to`.
std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size()))
    text.replace(p, from.size(), to);
  return text;
}

// dlopen(path) as a process in this instance's directory would do it. The dynamic loader
// returns an object already loaded under the same name string, so a relative path (the
// "./x.so" GNU make tries first) would find the object another instance loaded from another
// directory: a relative path with a '/' is opened as an absolute one (the calling thread's
// directory is this instance's). `*opened` is the name given to dlopen; dlerror()'s messages
// are reported with `path` in its place.
void* OpenObject(const std::string& path, std::string* opened, std::string* err) {
  *opened = path;
  if (path.find('/') != std::string::npos && path[0] != '/') {
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof buf) != nullptr) *opened = std::string(buf) + "/" + path;
  }
  void* h = dlopen(opened->c_str(), RTLD_LAZY | RTLD_GLOBAL);
  if (h == nullptr) {
    const char* e = dlerror();
    *err = ReplaceAll(e != nullptr ? e : "", *opened, path);
  }
  return h;
}

// GNU make's load_object: the setup symbol, from this instance's global scope or from the
// object once opened; null (after the message) when the object cannot be opened.
SetupFunc LoadObject(Make* m, const Loc& loc, bool noerror, const std::string& ldname,
                     const std::string& symname) {
  m->NotRememberable("loaded an object");
  LoadedObjects& lo = m->EnsureLoaded();
  if (!m->LoadAllowed(ldname, symname)) {
    // Refused (the fuzzer's containment): as an object that cannot be opened.
    if (!noerror) m->Error(&loc, ldname + ": not allowed here");
    return nullptr;
  }
  void* sym = dlsym(RTLD_DEFAULT, symname.c_str());
  if (sym != nullptr) {
    Dl_info info;
    void* lm = nullptr;
    if (dladdr1(sym, &info, &lm, RTLD_DL_LINKMAP) != 0 && lm != nullptr) {
      bool plugin;
      {
        std::lock_guard<std::mutex> lock(g_maps_mu);
        plugin = g_plugin_maps.count(lm) != 0;
      }
      bool own = false;
      for (const LoadedObjects::Object& o : lo.objects)
        if (o.handle != nullptr && LinkMapOf(o.handle) == lm) own = true;
      if (plugin && !own) sym = nullptr;
    }
  }
  if (sym == nullptr) {
    for (const LoadedObjects::Object& o : lo.objects) {
      if (o.handle != nullptr && (sym = dlsym(o.handle, symname.c_str())) != nullptr) break;
    }
  }
  if (sym != nullptr) return reinterpret_cast<SetupFunc>(sym);

  std::string err, opened, shown;
  void* dlp = nullptr;
  // A name without '/' is looked for in the current directory first, then where the
  // dynamic loader searches.
  if (ldname.find('/') == std::string::npos) {
    shown = "./" + ldname;
    dlp = OpenObject(shown, &opened, &err);
  }
  if (dlp == nullptr) {
    shown = ldname;
    dlp = OpenObject(shown, &opened, &err);
  }
  if (dlp == nullptr) {
    if (noerror) {
      // GNU make's DB (DB_BASIC, ("%s", err)): without a newline.
      if (m->db_level() & kDbBasic) m->WriteFd(m->io().out, err);
    } else {
      m->Error(&loc, err);
    }
    return nullptr;
  }
  if (dlsym(dlp, "plugin_is_GPL_compatible") == nullptr) {
    m->Fatal(&loc, "Loaded object " + ldname + " is not declared to be GPL compatible");
  }
  sym = dlsym(dlp, symname.c_str());
  if (sym == nullptr) {
    const char* e = dlerror();
    m->Fatal(&loc, "Failed to load symbol " + symname + " from " + ldname + ": " +
                       ReplaceAll(e != nullptr ? e : "", opened, shown));
  }
  lo.objects.push_back({ldname, dlp});
  if (const void* lm = LinkMapOf(dlp)) {
    std::lock_guard<std::mutex> lock(g_maps_mu);
    g_plugin_maps.insert(lm);
  }
  return reinterpret_cast<SetupFunc>(sym);
}

bool IsUserFuncChar(char c) {
  return isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

}  // namespace

Make* CurrentLoadInstance() { return t_current; }

ScopedLoadInstance::ScopedLoadInstance(Make* m) : saved_(t_current) { t_current = m; }
ScopedLoadInstance::~ScopedLoadInstance() { t_current = saved_; }

LoadedObjects& Make::EnsureLoaded() {
  if (loaded_ == nullptr) loaded_ = std::make_unique<LoadedObjects>();
  return *loaded_;
}

int LoadFile(Make* m, const Loc& loc, std::string* ldname, bool noerror) {
  m->EnsureLoaded();
  std::string name = *ldname;
  std::string symname;
  // "file(symbol)": the symbol names the setup function.
  size_t fp = name.find('(');
  if (fp != std::string::npos) {
    size_t ep = name.find(')', fp + 1);
    if (ep != std::string::npos && ep + 1 == name.size()) {
      if (ep == fp + 1) m->Fatal(&loc, "Empty symbol name for load: " + name);
      symname = name.substr(fp + 1, ep - fp - 1);
      name.resize(fp);
    }
  }
  *ldname = name;
  // Loaded already: GNU make looks for the first occurrence of the name in $(.LOADED) and
  // accepts it only as a whole word.
  std::string loaded = m->Expand("$(.LOADED)");
  size_t at = loaded.find(name);
  if (at != std::string::npos && (at == 0 || loaded[at - 1] == ' ') &&
      (at + name.size() == loaded.size() || loaded[at + name.size()] == ' ')) {
    return 1;
  }
  if (symname.empty()) {
    // The base name up to its first character that cannot be in a C name, + "_gmk_setup".
    size_t slash = name.rfind('/');
    size_t i = slash == std::string::npos ? 0 : slash + 1;
    while (i < name.size() && (isalnum(static_cast<unsigned char>(name[i])) || name[i] == '_'))
      symname.push_back(name[i++]);
    symname += "_gmk_setup";
  }
  SetupFunc setup = LoadObject(m, loc, noerror, name, symname);
  if (setup == nullptr) return 0;
  gmk_floc floc{loc.file != nullptr ? loc.file->c_str() : nullptr,
                static_cast<unsigned long>(loc.line)};
  int r;
  {
    ScopedLoadInstance current(m);
    r = setup(&floc);
  }
  if (r > 0) {
    std::string value = loaded;
    if (!value.empty()) value.push_back(' ');
    value += name;
    m->DoVariableDefinition(&loc, ".LOADED", value, Origin::kDefault, Flavor::kSimple, false);
  }
  return r;
}

void UnloadFile(Make* m, const std::string& name) {
  if (m->loaded() == nullptr) return;
  for (LoadedObjects::Object& o : m->loaded()->objects) {
    if (o.name != name || o.handle == nullptr) continue;
    const void* lm = LinkMapOf(o.handle);
    if (dlclose(o.handle) != 0) {
      const char* e = dlerror();
      m->Error(nullptr, "dlclose: " + name + ": " + (e != nullptr ? e : ""));
    }
    if (lm != nullptr) {
      std::lock_guard<std::mutex> lock(g_maps_mu);
      auto it = g_plugin_maps.find(lm);
      if (it != g_plugin_maps.end()) g_plugin_maps.erase(it);
    }
    o.handle = nullptr;
    break;
  }
}

const LoadedFunction* LookupLoadedFunction(Make* m, std::string_view name) {
  const LoadedObjects* lo = m->loaded();
  if (lo == nullptr) return nullptr;
  auto it = lo->functions.find(AV(name));
  return it == lo->functions.end() ? nullptr : &it->second;
}

void CallLoadedFunction(Make* m, const LoadedFunction& f, std::vector<std::string>& args,
                        std::string* out) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  char* r;
  {
    ScopedLoadInstance current(m);
    r = f.fn(f.name.c_str(), static_cast<unsigned int>(args.size()), argv.data());
  }
  if (r != nullptr) {
    out->append(r);
    free(r);
  }
}

void DefineLoadedFunction(Make* m, const char* name, gmk_func_ptr fn, unsigned int min_args,
                          unsigned int max_args, unsigned int flags) {
  const Loc* loc = m->reading_loc();
  std::string n = name != nullptr ? name : "";
  size_t e = 0;
  while (e < n.size() && IsUserFuncChar(n[e])) ++e;
  // As GNU make: the name is the run of function-name characters; nothing may follow it.
  if (e == 0) m->Fatal(loc, "Empty function name");
  if (n[0] == '.' || e != n.size()) m->Fatal(loc, "Invalid function name: " + n);
  if (e > 255) m->Fatal(loc, "Function name too long: " + n);
  if (min_args > 255) {
    m->Fatal(loc, "Invalid minimum argument count (" + std::to_string(min_args) +
                      ") for function " + n);
  }
  if (max_args > 255 || (max_args != 0 && max_args < min_args)) {
    m->Fatal(loc, "Invalid maximum argument count (" + std::to_string(max_args) +
                      ") for function " + n);
  }
  LoadedFunction f;
  f.name = n;
  f.fn = fn;
  f.min_args = static_cast<int>(min_args);
  f.max_args = static_cast<int>(max_args);
  f.expand_args = (flags & GMK_FUNC_NOEXPAND) == 0;
  m->EnsureLoaded().functions[n] = std::move(f);
}

}  // namespace kbmake
