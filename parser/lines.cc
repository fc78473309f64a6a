#include "parser/lines.h"

#include <cstring>

namespace kbmake {

bool LineReader::Next(std::string* line, long* nlines) {
  if (pos_ >= text_.size()) return false;
  line->clear();
  *nlines = 0;
  while (pos_ < text_.size()) {
    size_t nl = text_.find('\n', pos_);
    size_t end = nl == std::string_view::npos ? text_.size() : nl;
    std::string_view phys = text_.substr(pos_, end - pos_);
    if (!phys.empty() && phys.back() == '\r' && nl != std::string_view::npos) {
      // GNU make on POSIX keeps CRs, except it treats "\r\n" like "\n" at line ends.
      phys.remove_suffix(1);
    }
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    ++*nlines;
    line->append(phys);
    size_t bs = 0;
    while (bs < phys.size() && phys[phys.size() - 1 - bs] == '\\') ++bs;
    if (bs % 2 == 1 && nl != std::string_view::npos && pos_ < text_.size()) {
      line->push_back('\n');
      continue;
    }
    if (bs % 2 == 1 && nl != std::string_view::npos) {
      // Continuation at the very end of the buffer: GNU make drops the backslash-newline.
      line->push_back('\n');
    }
    break;
  }
  return true;
}

void CollapseContinuations(std::string* line, bool posix) {
  if (line->find('\n') == std::string::npos) return;
  std::string& s = *line;
  std::string out;
  out.reserve(s.size());
  size_t in = 0;
  while (true) {
    size_t q = s.find('\n', in);
    if (q == std::string::npos) break;
    size_t n = 0;  // backslashes before the newline
    while (q - n > in && s[q - n - 1] == '\\') ++n;
    // Keep the text before the backslashes, then half of the backslashes.
    out.append(s, in, q - n - in);
    out.append(n / 2, '\\');
    in = q + 1;
    if (n % 2 == 1) {
      while (in < s.size() && (s[in] == ' ' || s[in] == '\t')) ++in;
      if (!posix) {
        while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      }
      out.push_back(' ');
    } else {
      out.push_back('\n');
    }
  }
  out.append(s, in, std::string::npos);
  s.swap(out);
}

size_t FindUnquoted(std::string* sp, std::string_view stops, bool skip_vars, size_t from) {
  std::string& s = *sp;
  // The characters that stop the scan; each one's next position is found with memchr
  // (vectorised) and remembered, so a long line (a .cmd file's dependency list: 50 KB with a
  // few hundred `$(wildcard ...)`) costs a few passes, not a table lookup per byte.
  constexpr size_t kMaxWanted = 8;
  char wanted[kMaxWanted];
  size_t nwanted = 0;
  bool fits = stops.size() + (skip_vars ? 1 : 0) <= kMaxWanted;
  bool stop[256] = {};  // for an unusually long `stops` only
  if (fits) {
    for (char c : stops) wanted[nwanted++] = c;
    if (skip_vars) wanted[nwanted++] = '$';
  } else {
    for (char c : stops) stop[static_cast<unsigned char>(c)] = true;
    if (skip_vars) stop[static_cast<unsigned char>('$')] = true;
  }
  size_t next[kMaxWanted];  // where wanted[i] occurs next (npos: nowhere), valid from `seen`
  size_t seen = std::string::npos;  // npos: nothing known (start, or the text was edited)
  // The first position >= p holding a stop character, or s.size().
  auto next_stop = [&](size_t p) -> size_t {
    if (!fits) {
      while (p < s.size() && !stop[static_cast<unsigned char>(s[p])]) ++p;
      return p;
    }
    size_t best = s.size();
    for (size_t i = 0; i < nwanted; ++i) {
      if (seen == std::string::npos || (next[i] != std::string::npos && next[i] < p)) {
        const void* hit = p < s.size() ? memchr(s.data() + p, wanted[i], s.size() - p) : nullptr;
        next[i] = hit ? static_cast<size_t>(static_cast<const char*>(hit) - s.data())
                      : std::string::npos;
      }
      if (next[i] != std::string::npos && next[i] < best) best = next[i];
    }
    seen = p;
    return best;
  };
  size_t p = from;
  while (true) {
    p = next_stop(p);
    if (p >= s.size()) return std::string::npos;
    if (skip_vars && s[p] == '$') {
      if (p + 1 >= s.size()) return std::string::npos;
      char open = s[p + 1];
      p += 2;
      if (open == '(' || open == '{') {
        char close = open == '(' ? ')' : '}';
        int count = 1;
        while (p < s.size()) {
          if (s[p] == open) {
            ++count;
          } else if (s[p] == close && --count == 0) {
            ++p;
            break;
          }
          ++p;
        }
      }
      continue;
    }
    if (p > 0 && s[p - 1] == '\\') {
      size_t n = 0;
      while (p - n > 0 && s[p - n - 1] == '\\') ++n;
      // Swallow half of the backslashes.
      size_t remove = n - n / 2;
      s.erase(p - n, remove);
      seen = std::string::npos;  // positions moved
      p -= remove;
      if (n % 2 == 0) return p;
      ++p;  // quoted: keep looking
      continue;
    }
    return p;
  }
}

void RemoveComments(std::string* line) {
  // GNU make 4.3: a '#' inside a variable reference or function call is not a comment.
  size_t p = FindUnquoted(line, "#", true);
  if (p != std::string::npos) line->resize(p);
}

}  // namespace kbmake
