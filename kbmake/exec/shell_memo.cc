#include "kbmake/exec/shell_memo.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "kbmake/base/bytes.h"

namespace kbmake {
namespace {

constexpr char kMagic[] = "KBMKSHM\n";
// Bounds of the memo file: least recently used entries are dropped beyond them.
constexpr size_t kMaxEntries = 2048;
constexpr size_t kMaxBytes = 16u << 20;
constexpr size_t kMaxShards = 64;  // directories remembered
constexpr size_t kMaxEntryBytes = 1u << 20;

int64_t NowSeconds() { return static_cast<int64_t>(time(nullptr)); }

void EncodeEntry(const ShellMemoEntry& e, ByteWriter* w) {
  w->Str(e.key);
  w->Str(e.out);
  w->Str(e.err);
  w->I64(e.status);
  w->I64(e.last_used);
  w->U64(e.deps.size());
  for (const PathFact& f : e.deps) EncodePathFact(f, w);
}

bool DecodeEntry(ByteReader* r, ShellMemoEntry* e) {
  e->key = r->Str();
  e->out = r->Str();
  e->err = r->Str();
  e->status = static_cast<int>(r->I64());
  e->last_used = r->I64();
  uint64_t n = r->U64();
  if (!r->ok() || n > (1u << 24)) return false;
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    PathFact f = DecodePathFact(r);
    e->deps.push_back(std::move(f));
  }
  return r->ok();
}

size_t EntryBytes(const ShellMemoEntry& e) {
  size_t n = e.key.size() + e.out.size() + e.err.size() + 64;
  for (const PathFact& f : e.deps) n += f.path.size() + 80;
  return n;
}

// Does `token` occur in `text`? A number only as a whole run of digits.
bool Leaks(const std::string& text, const std::string& token) {
  if (token.empty()) return false;
  bool numeric = std::all_of(token.begin(), token.end(), [](char c) { return isdigit(static_cast<unsigned char>(c)); });
  for (size_t p = text.find(token); p != std::string::npos; p = text.find(token, p + 1)) {
    if (!numeric) return true;
    bool before = p > 0 && isdigit(static_cast<unsigned char>(text[p - 1]));
    size_t e = p + token.size();
    bool after = e < text.size() && isdigit(static_cast<unsigned char>(text[e]));
    if (!before && !after) return true;
  }
  return false;
}

// What every command of this process inherits besides its command line, environment and
// directory: credentials, umask, limits, kernel, CPU model and features, CPU set.
std::string ProcessContext() {
  ByteWriter w;
  w.Str("context-v1");
  // Entries recorded by another kbmake build (another tracer policy) are not reused.
  PathFact self = ObservePath("/proc/self/exe", true);
  w.U64(self.dev), w.U64(self.ino), w.I64(self.size), w.I64(self.mtime_ns);
  w.U64(getuid()), w.U64(geteuid()), w.U64(getgid()), w.U64(getegid());
  gid_t groups[256];
  int ng = getgroups(256, groups);
  for (int i = 0; i < ng; ++i) w.U64(groups[i]);
  mode_t um = umask(022);
  umask(um);
  w.U64(um);
  for (int res = 0; res < RLIM_NLIMITS; ++res) {
    struct rlimit rl = {};
    getrlimit(res, &rl);
    w.U64(rl.rlim_cur), w.U64(rl.rlim_max);
  }
  struct utsname u;
  if (uname(&u) == 0) {
    w.Str(u.sysname), w.Str(u.nodename), w.Str(u.release), w.Str(u.version),
        w.Str(u.machine), w.Str(u.domainname);
  }
  // cpuid is not a system call: programs such as `gcc -march=native` read it directly.
#if defined(__x86_64__)
  for (unsigned leaf : {0u, 1u, 7u, 0xdu, 0x80000000u, 0x80000001u, 0x80000002u,
                        0x80000003u, 0x80000004u}) {
    unsigned a = 0, b = 0, c = 0, d = 0;
    __cpuid_count(leaf, 0, a, b, c, d);
    if (leaf == 1) b &= 0x00ffffffu;  // bits 24-31: the APIC id of the CPU we run on
    w.U64(a), w.U64(b), w.U64(c), w.U64(d);
  }
#endif
  struct sysinfo si;
  if (sysinfo(&si) == 0) w.U64(si.totalram), w.U64(si.totalswap), w.U64(si.totalhigh), w.U64(si.mem_unit);
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    w.Str(std::string_view(reinterpret_cast<const char*>(&set), sizeof set));
  return w.bytes();
}

// What the command may know of make's stdin: whether it is closed, /dev/null (which it may
// read and inspect), a terminal (isatty) and its file type (lseek fails on a pipe); the
// tracer lets it neither read nor otherwise inspect any other stdin.
void DescribeStdin(int fd, ByteWriter* w) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    w->U64(0);
  } else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
    w->U64(1);
  } else {
    w->U64(isatty(fd) ? 2 : 3);
    w->U64(st.st_mode & S_IFMT);
  }
}

// The kind of make's stderr (the command inherits it): type, device, tty.
void DescribeFd(int fd, ByteWriter* w) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    w->U64(0xffffffff);
    return;
  }
  w->U64(st.st_mode & S_IFMT);
  w->U64(S_ISCHR(st.st_mode) ? st.st_rdev : 0);
  w->U64(isatty(fd));
}

// Runs `image` traced; stdout into *out.
bool RunTraced(const ShellCall& call, ExecImage& image, bool verify, std::string* out,
               TraceResult* r) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  TracedRun run(image, call.in_fd, fds[1], call.err_fd, verify);
  close(fds[1]);
  if (!run.ok()) {
    close(fds[0]);
    return false;
  }
  out->clear();
  ReadToEnd(fds[0], out);
  close(fds[0]);
  *r = run.Finish();
  return true;
}

}  // namespace

namespace {

// The file: magic, version, entry count, then the index (per entry: the FNV-1a hash of its
// key, last use, size and FNV-1a checksum of its bytes: 32 bytes), an FNV-1a checksum of
// everything so far, then each entry's bytes (EncodeEntry, which holds the whole key) in index
// order, ending exactly at the end of the file. The index is checked when the file is loaded;
// an entry's bytes, and that its key is the one asked for, only when the entry is used. So a
// load reads only the index: the keys (each holds a whole environment) stay in the entries.
struct Item {
  uint64_t key_hash;
  int64_t last_used;
  std::string_view bytes;
  uint64_t sum;
};

constexpr size_t kHeaderBytes = 8 + 8 + 8;  // magic, version, count
constexpr size_t kIndexItemBytes = 8 + 8 + 8 + 8;

// The bytes from the start of a file of `n` entries to the end of its index checksum.
uint64_t HeadBytes(uint64_t n) { return kHeaderBytes + n * kIndexItemBytes + 8; }

// An entry's bytes in the file, and the index item that describes them (`bytes` is kept
// by the caller).
Item ItemOf(const ShellMemoEntry& e, std::string* bytes) {
  ByteWriter w;
  EncodeEntry(e, &w);
  *bytes = std::move(w.bytes());
  return {Fnv1a64(e.key), e.last_used, *bytes, Fnv1a64(*bytes)};
}

std::string EncodeItems(const std::vector<Item>& items, uint64_t version) {
  ByteWriter w;
  w.bytes().append(kMagic, 8);
  w.U64(version);
  w.U64(items.size());
  for (const Item& it : items) {
    w.U64(it.key_hash);
    w.I64(it.last_used);
    w.U64(it.bytes.size());
    w.U64(it.sum);
  }
  w.U64(Fnv1a64(w.bytes()));
  for (const Item& it : items) w.bytes().append(it.bytes);
  return std::move(w.bytes());
}

struct IndexEntry {
  uint64_t key_hash;
  ShellMemoSlot where;
};

// The entry count of a file starting with `head` (at least kHeaderBytes of it), or -1 if it
// is not a memo file of this version or cannot hold that many entries in `file_size` bytes.
int64_t EntryCount(std::string_view head, uint64_t file_size) {
  if (head.size() < kHeaderBytes || file_size < HeadBytes(0) ||
      head.compare(0, 8, std::string_view(kMagic, 8)) != 0)
    return -1;
  ByteReader r(head.substr(8, 16));
  if (r.U64() != kShellMemoVersion) return -1;
  uint64_t n = r.U64();
  if (!r.ok() || n > (file_size - HeadBytes(0)) / kIndexItemBytes) return -1;
  return static_cast<int64_t>(n);
}

// Reads the header and index from `head`, the first bytes of a file of `file_size` bytes
// (at least HeadBytes(count) of them); false if it is not a memo file of this version or the
// index is damaged (the entries' own bytes are not checked here).
bool ParseIndex(std::string_view head, uint64_t file_size, std::vector<IndexEntry>* index) {
  index->clear();
  int64_t count = EntryCount(head, file_size);
  if (count < 0) return false;
  uint64_t n = static_cast<uint64_t>(count);
  size_t index_end = HeadBytes(n) - 8;
  if (head.size() < HeadBytes(n)) return false;
  ByteReader r(head.substr(kHeaderBytes, index_end - kHeaderBytes + 8));
  std::vector<IndexEntry> list;
  list.reserve(n);
  uint64_t total = 0, body = file_size - HeadBytes(n);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    IndexEntry e;
    e.key_hash = r.U64();
    e.where.last_used = r.I64();
    e.where.size = r.U64();
    e.where.sum = r.U64();
    if (e.where.size > body) return false;  // (so that the sum cannot wrap)
    total += e.where.size;
    if (total > body) return false;
    list.push_back(e);
  }
  uint64_t sum = r.U64();
  if (!r.ok() || sum != Fnv1a64(head.substr(0, index_end))) return false;
  if (total != body) return false;
  size_t off = HeadBytes(n);
  for (IndexEntry& e : list) {
    e.where.offset = off;
    off += e.where.size;
  }
  *index = std::move(list);
  return true;
}

// Decodes one entry's bytes, checking its checksum and that it is the entry of `key`.
bool DecodeStored(std::string_view bytes, uint64_t sum, std::string_view key,
                  ShellMemoEntry* e) {
  if (Fnv1a64(bytes) != sum) return false;
  ByteReader r(bytes);
  return DecodeEntry(&r, e) && r.done() && e->key == key;
}

// `size` bytes of `fd` from `offset` into *out; false on a short read (a file truncated
// behind our back) or an error.
bool ReadAt(int fd, uint64_t offset, size_t size, std::string* out) {
  out->resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, out->data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The index of the memo file open on `fd` (reading only its head); false if there is none.
bool LoadIndex(int fd, std::vector<IndexEntry>* index) {
  struct stat st;
  std::string head;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < HeadBytes(0) || !ReadAt(fd, 0, kHeaderBytes, &head)) return false;
  int64_t n = EntryCount(head, size);
  return n >= 0 && ReadAt(fd, 0, HeadBytes(static_cast<uint64_t>(n)), &head) &&
         ParseIndex(head, size, index);
}

}  // namespace

std::string EncodeShellMemo(const std::vector<const ShellMemoEntry*>& entries,
                            uint64_t version) {
  std::vector<std::string> bytes(entries.size());
  std::vector<Item> items;
  for (size_t i = 0; i < entries.size(); ++i) items.push_back(ItemOf(*entries[i], &bytes[i]));
  return EncodeItems(items, version);
}

bool DecodeShellMemo(const std::string& bytes, std::vector<ShellMemoEntry>* entries) {
  entries->clear();
  std::vector<IndexEntry> index;
  if (!ParseIndex(bytes, bytes.size(), &index)) return false;
  for (const IndexEntry& ie : index) {
    ShellMemoEntry e;
    std::string_view b = std::string_view(bytes).substr(ie.where.offset, ie.where.size);
    ByteReader r(b);
    if (Fnv1a64(b) != ie.where.sum || !DecodeEntry(&r, &e) || !r.done() ||
        Fnv1a64(e.key) != ie.key_hash || e.last_used != ie.where.last_used) {
      entries->clear();
      return false;
    }
    entries->push_back(std::move(e));
  }
  return true;
}

ShellMemo::ShellMemo(std::string dir) : dir_(std::move(dir)), context_(ProcessContext()) {}

std::string ShellMemo::ShardFile(const std::string& dir, const std::string& cwd) {
  char name[17];
  snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(Fnv1a64(cwd)));
  return dir + "/" + name;
}

ShellMemo::~ShellMemo() {
  for (auto& [file, sh] : shards_)
    if (sh.fd >= 0) close(sh.fd);
}

std::string ShellMemo::DefaultDir(const std::vector<std::string>& env) {
  std::string storage;
  const std::string* xdg = EnvValue(env, "XDG_CACHE_HOME", &storage);
  std::string base = xdg != nullptr ? *xdg : std::string();
  if (base.empty() || base[0] != '/') {
    const std::string* home = EnvValue(env, "HOME", &storage);
    if (home == nullptr || home->empty()) return {};
    base = *home + "/.cache";
  }
  return base + "/kbmake/shell-memo";
}

int ShellMemo::Enabled(const std::vector<std::string>& env, int option) {
  if (option >= 0) return option;
  std::string storage;
  const std::string* v = EnvValue(env, "KBMAKE_SHELL_CACHE", &storage);
  if (v == nullptr) return -1;
  return *v == "1" || *v == "on" || *v == "yes" ? 1 : 0;
}

std::string ShellMemo::Key(const ShellCall& call, std::string* cwd_out) {
  ByteWriter w;
  w.Str(context_);
  w.U64(call.argv.size());
  for (const std::string& a : call.argv) w.Str(a);
  w.U64(call.env.size());
  for (const std::string& e : call.env) w.Str(e);
  char cwd[PATH_MAX];
  *cwd_out = !call.cwd.empty() ? call.cwd : getcwd(cwd, sizeof cwd) ? cwd : "";
  w.Str(*cwd_out);
  w.Str(call.shell);
  w.Str(call.shellflags);
  w.Str(call.prefix);
  DescribeStdin(call.in_fd, &w);
  DescribeFd(call.err_fd, &w);
  return std::move(w.bytes());
}


ShellMemo::Shard& ShellMemo::ShardLocked(const std::string& cwd) {
  std::string file = dir_.empty() ? std::string() : ShardFile(dir_, cwd);
  Shard& sh = shards_[file];
  if (!sh.loaded) {
    sh.loaded = true;
    std::vector<IndexEntry> index;
    // The file stays open while make runs.
    if (!file.empty()) sh.fd = MoveAboveLowFds(open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (sh.fd >= 0 && LoadIndex(sh.fd, &index)) {
      for (const IndexEntry& ie : index) sh.stored.emplace(ie.key_hash, ie.where);
    } else if (sh.fd >= 0) {  // damaged or foreign: start afresh
      close(sh.fd);
      sh.fd = -1;
    }
  }
  return sh;
}

ShellMemoEntry* ShellMemo::FindLocked(Shard& sh, const std::string& key) {
  auto it = sh.entries.find(key);
  if (it != sh.entries.end()) return &it->second;
  uint64_t hash = Fnv1a64(key);
  auto st = sh.stored.find(hash);
  if (st == sh.stored.end()) return nullptr;
  ShellMemoSlot where = st->second;
  sh.stored.erase(st);
  ShellMemoEntry e;
  std::string bytes;
  // (The file stays open: a newer one renamed over it since does not change what we read.)
  if (!ReadAt(sh.fd, where.offset, where.size, &bytes) ||
      !DecodeStored(bytes, where.sum, key, &e)) {
    // Damaged, truncated, or (in theory) another key of the same hash: never trusted, and
    // left out of the next file.
    sh.dropped.insert(hash);
    sh.dirty = true;
    return nullptr;
  }
  return &sh.entries.emplace(key, std::move(e)).first->second;
}

bool ShellMemo::Run(const ShellCall& call, ExecImage& image, std::string* out, int* status,
                    std::string* note) {
  bool wrote_err;
  return Replay(call, out, status, note, &wrote_err) ||
         RunAndRemember(call, image, out, status, note);
}

std::string ShellMemo::DescribeStreams(int in_fd, int err_fd) {
  ByteWriter w;
  DescribeStdin(in_fd, &w);
  DescribeFd(err_fd, &w);
  return std::move(w.bytes());
}

bool ShellMemo::Replay(const ShellCall& call, std::string* out, int* status,
                       std::string* note, bool* wrote_err, std::vector<PathFact>* deps) {
  *wrote_err = false;
  std::string cwd;
  std::string key = Key(call, &cwd);
  std::string err;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Shard& sh = ShardLocked(cwd);
    ShellMemoEntry* found = FindLocked(sh, key);
    if (found == nullptr) {
      *note = "miss";
      return false;
    }
    ShellMemoEntry& e = *found;
    const PathFact* changed = FirstChanged(e.deps);
    if (changed != nullptr) {
      *note = "miss (" + changed->path + " changed)";
      sh.dropped.insert(Fnv1a64(key));
      sh.entries.erase(key);
      sh.dirty = true;
      return false;
    }
    *out = e.out;
    *status = e.status;
    err = e.err;
    if (deps != nullptr) *deps = e.deps;
    int64_t now = NowSeconds();
    if (now - e.last_used > 86400) {
      e.last_used = now;
      sh.dirty = true;
    }
  }
  *note = "hit";
  *wrote_err = !err.empty();
  WriteAll(call.err_fd, err);
  return true;
}

const PathFact* ShellMemo::FirstChanged(const std::vector<PathFact>& deps) {
  for (const PathFact& f : deps) {
    PathFact now = ObservePath(f.path, f.follow, fs_);
    now.listed = f.listed;
    if (!SameState(f, now)) return &f;
  }
  return nullptr;
}

bool ShellMemo::FindFacts(const std::string& key, const std::string& cwd,
                          std::vector<PathFact>* facts, std::string* note) {
  const std::string full = FactsKey(key);
  std::lock_guard<std::mutex> lock(mu_);
  Shard& sh = ShardLocked(cwd);
  ShellMemoEntry* e = FindLocked(sh, full);
  if (e == nullptr) {
    *note = "miss";
    return false;
  }
  // A time in the future would now make make warn about it (it did not when remembered).
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  const int64_t now_ns = static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
  const PathFact* changed = FirstChanged(e->deps);
  for (const PathFact& f : e->deps) {
    if (changed == nullptr && f.err == 0 && f.mtime_ns > now_ns) changed = &f;
  }
  if (changed != nullptr) {
    *note = "miss (" + changed->path + " changed)";
    sh.dropped.insert(Fnv1a64(full));
    sh.entries.erase(full);
    sh.dirty = true;
    return false;
  }
  *facts = e->deps;
  int64_t now = NowSeconds();
  if (now - e->last_used > 86400) {
    e->last_used = now;
    sh.dirty = true;
  }
  *note = "hit";
  return true;
}

bool ShellMemo::RememberFacts(const std::string& key, const std::string& cwd,
                              std::vector<PathFact> facts) {
  ShellMemoEntry e;
  e.key = FactsKey(key);
  e.last_used = NowSeconds();
  e.deps = std::move(facts);
  if (EntryBytes(e) > kMaxEntryBytes) return false;
  Insert(cwd, std::move(e));
  return true;
}

void ShellMemo::Insert(const std::string& cwd, ShellMemoEntry e) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string k = e.key;
  Shard& sh = ShardLocked(cwd);
  sh.dropped.erase(Fnv1a64(k));
  sh.stored.erase(Fnv1a64(k));
  sh.entries[k] = std::move(e);
  sh.dirty = true;
}

std::string ShellMemo::FactsKey(const std::string& key) const {
  ByteWriter w;
  w.Str(context_);
  w.Str("facts");
  w.Str(key);
  return std::move(w.bytes());
}

bool ShellMemo::RunAndRemember(const ShellCall& call, ExecImage& image, std::string* out,
                               int* status, std::string* note) {
  std::string cwd;
  std::string key = Key(call, &cwd);
  TraceResult r;
  if (!RunTraced(call, image, false, out, &r) || r.not_run) return false;
  *status = r.status;
  // make's own PATH search (ExecImage, before the traced process starts) decided which
  // program ran: every candidate it looked at is a dependency as well.
  for (const std::string& cand : image.probed()) {
    std::string abs = cand[0] == '/' ? cand : cwd + "/" + cand;
    bool have = false;
    for (const PathFact& f : r.deps) have |= f.path == abs && f.follow;
    if (!have) r.deps.push_back(ObservePath(abs, true));
  }
  if (r.refusal.empty()) {
    for (const std::string& t : r.leak_tokens) {
      if (Leaks(*out, t) || Leaks(r.err_bytes, t)) {
        r.refusal = "prints a process id or a changing system value (" + t + ")";
        break;
      }
    }
  }
  if (r.refusal.empty()) {
    // The second run: other pids, random bytes and addresses, a shifted clock. Only a result
    // that does not change is remembered.
    std::string out2;
    TraceResult r2;
    if (!RunTraced(call, image, true, &out2, &r2)) {
      r.refusal = "the verification run failed to start";
    } else if (!r2.refusal.empty()) {
      r.refusal = "verification run: " + r2.refusal;
    } else if (out2 != *out || r2.err_bytes != r.err_bytes || r2.status != r.status) {
      r.refusal = "a second run gave a different result";
    } else {
      // Both runs' dependencies must hold for a reuse; one that looked different to the two
      // runs is something the runs change themselves.
      std::map<std::pair<std::string, bool>, const PathFact*> seen;
      for (const PathFact& f : r.deps) seen.emplace(std::make_pair(f.path, f.follow), &f);
      for (PathFact& f : r2.deps) {
        auto [it, fresh] = seen.emplace(std::make_pair(f.path, f.follow), &f);
        if (fresh) {
          r.deps.push_back(f);
        } else if (!SameState(*it->second, f)) {
          r.refusal = f.path + " looked different to the two runs";
          break;
        }
      }
    }
  }
  ShellMemoEntry e;
  e.key = std::move(key);
  e.out = *out;
  e.err = std::move(r.err_bytes);
  e.status = r.status;
  e.last_used = NowSeconds();
  e.deps = std::move(r.deps);
  if (r.refusal.empty() && EntryBytes(e) > kMaxEntryBytes) r.refusal = "result too large";
  if (!r.refusal.empty()) {
    *note += ", not remembered: " + r.refusal;
    return true;
  }
  *note += ", remembered";
  Insert(cwd, std::move(e));
  return true;
}

void ShellMemo::Save() {
  std::lock_guard<std::mutex> lock(mu_);
  if (dir_.empty()) return;
  bool wrote = false;
  for (auto& [file, sh] : shards_) {
    if (!sh.dirty || file.empty()) continue;
    sh.dirty = false;
    // The entries: ours (decoded ones encoded again, the others copied with their checksum,
    // still to be checked when used), then those other kbmake processes wrote meanwhile
    // (ours win for equal keys; those we found stale or damaged stay out).
    std::vector<Item> items;
    absl::flat_hash_set<uint64_t> have;
    std::vector<std::string> encoded(sh.entries.size());
    for (const auto& [k, e] : sh.entries) {
      items.push_back(ItemOf(e, &encoded[items.size()]));
      have.insert(items.back().key_hash);
    }
    std::vector<std::string> copied(sh.stored.size());
    size_t ncopied = 0;
    for (const auto& [hash, where] : sh.stored) {
      std::string& bytes = copied[ncopied++];
      if (!have.insert(hash).second || !ReadAt(sh.fd, where.offset, where.size, &bytes))
        continue;
      items.push_back({hash, where.last_used, bytes, where.sum});
    }
    std::string disk;  // what is there now (another kbmake may have written it)
    if (int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
      ReadToEnd(fd, &disk);
      close(fd);
    }
    std::vector<IndexEntry> disk_index;
    if (ParseIndex(disk, disk.size(), &disk_index)) {
      for (const IndexEntry& ie : disk_index) {
        if (sh.dropped.count(ie.key_hash) || !have.insert(ie.key_hash).second) continue;
        items.push_back({ie.key_hash, ie.where.last_used,
                         std::string_view(disk).substr(ie.where.offset, ie.where.size),
                         ie.where.sum});
      }
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      return a.last_used != b.last_used ? a.last_used > b.last_used : a.key_hash < b.key_hash;
    });
    size_t bytes = 0, keep = 0;
    auto size_of = [](const Item& it) { return it.bytes.size() + kIndexItemBytes; };
    while (keep < items.size() && keep < kMaxEntries && bytes + size_of(items[keep]) <= kMaxBytes)
      bytes += size_of(items[keep++]);
    items.resize(keep);
    std::string data = EncodeItems(items, kShellMemoVersion);
    // mkdir -p of the memo's directory; a plain file in its place is an old memo: removed.
    for (size_t p = dir_.find('/', 1);; p = dir_.find('/', p + 1)) {
      mkdir(p == std::string::npos ? dir_.c_str() : dir_.substr(0, p).c_str(), 0755);
      if (p == std::string::npos) break;
    }
    struct stat st;
    if (stat(dir_.c_str(), &st) == 0 && !S_ISDIR(st.st_mode) && unlink(dir_.c_str()) == 0)
      mkdir(dir_.c_str(), 0755);
    std::string tmp = file + ".tmp." + std::to_string(getpid());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = write(fd, data.data() + off, data.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      off += n;
    }
    bool ok = off == data.size();
    ok &= close(fd) == 0;
    if (!ok || rename(tmp.c_str(), file.c_str()) != 0) {
      unlink(tmp.c_str());
    } else {
      wrote = true;
    }
  }
  if (wrote) PruneShards();
}

// At most kMaxShards directories are remembered: the least recently written go first.
void ShellMemo::PruneShards() {
  DIR* d = opendir(dir_.c_str());
  if (!d) return;
  std::vector<std::pair<int64_t, std::string>> files;
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() != 16) continue;  // shard files only (not temporaries, not . and ..)
    struct stat st;
    std::string path = dir_ + "/" + name;
    if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      files.emplace_back(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec, path);
  }
  closedir(d);
  if (files.size() <= kMaxShards) return;
  std::sort(files.begin(), files.end());
  for (size_t i = 0; i + kMaxShards < files.size(); ++i) unlink(files[i].second.c_str());
}

}  // namespace kbmake
