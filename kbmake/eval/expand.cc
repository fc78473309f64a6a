// Variable expansion: `$(...)`, `${...}`, `$x`, substitution references and recursion checks,
// following GNU make's variable_expand_string scan exactly (including its odd corners).
#include <cstring>

#include "kbmake/base/strutil.h"
#include "kbmake/make.h"

namespace kbmake {
namespace {

/// Counts parentheses of one kind from `from` until the matching close; returns its index or
/// npos when unmatched.
size_t FindMatchingClose(std::string_view s, size_t from, char open, char close) {
  int count = 0;
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == open) {
      ++count;
    } else if (s[i] == close && --count < 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

class DepthGuard {
 public:
  explicit DepthGuard(Make* m) : m_(m) { m_->EnterExpansion(); }
  ~DepthGuard() { m_->LeaveExpansion(); }

 private:
  Make* m_;
};

}  // namespace

void Make::Expand(std::string_view text, std::string* out) {
  DepthGuard guard(this);
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) {
      out->append(text.substr(i));
      return;
    }
    out->append(text.substr(i, dollar - i));
    i = dollar + 1;
    if (i >= n) {  // a lone '$' at the end of the text is kept, as GNU make's '$\0' case
      out->push_back('$');
      return;
    }
    char c = text[i];
    if (c == '$') {
      out->push_back('$');
      ++i;
      continue;
    }
    if (c != '(' && c != '{') {
      ReferenceVariable(text.substr(i, 1), out);
      ++i;
      continue;
    }
    char open = c, close = c == '(' ? ')' : '}';
    size_t pos = i + 1;
    if (HandleFunction(text, &pos, open, close, out)) {
      i = pos + 1;
      continue;
    }
    size_t beg = i + 1;
    size_t end = text.find(close, beg);
    if (end == std::string_view::npos) {
      Fatal(expanding_loc_ ? expanding_loc_ : reading_loc_, "unterminated variable reference");
    }
    std::string expanded_name;
    std::string_view name = text.substr(beg, end - beg);
    size_t resume = end + 1;
    if (name.find('$') != std::string_view::npos) {
      size_t match = FindMatchingClose(text, beg, open, close);
      if (match != std::string_view::npos) {
        Expand(text.substr(beg, match - beg), &expanded_name);
        name = expanded_name;
        resume = match + 1;
      } else {
        resume = n;  // GNU make consumes the rest of the text here
      }
    }
    size_t colon = name.find(':');
    bool done = false;
    if (colon != std::string_view::npos) {
      size_t eq = name.find('=', colon + 1);
      if (eq != std::string_view::npos) {
        std::string_view var = name.substr(0, colon);
        Variable* v = Lookup(var);
        if (v == nullptr) WarnUndefined(var);
        if (v && !v->value.empty()) {
          std::string value;
          if (v->recursive) {
            RecursivelyExpand(v, &value);
          } else {
            value = v->value;
          }
          SubstRef(name.substr(colon + 1, eq - colon - 1), name.substr(eq + 1), value, out);
        }
        done = true;
      }
    }
    if (!done) ReferenceVariable(name, out);
    i = resume;
  }
}

void Make::WarnUndefined(std::string_view name) {
  if (opts_.warn_undefined) {
    Error(reading_loc_, "warning: undefined variable '" + std::string(name) + "'");
  }
}

void Make::ReferenceVariable(std::string_view name, std::string* out) {
  Variable* v = Lookup(name);
  if (v == nullptr) WarnUndefined(name);
  if (v == nullptr || (v->value.empty() && !v->append)) return;
  if (v->recursive) {
    RecursivelyExpand(v, out);
  } else {
    out->append(v->value);
  }
}

void Make::RecursivelyExpand(Variable* v, std::string* out) {
  bool set_reading = false;
  if (reading_loc_ == nullptr && v->loc.valid()) {
    reading_loc_ = &v->loc;
    set_reading = true;
  }
  const Loc* saved_exp = expanding_loc_;
  if (v->loc.valid()) expanding_loc_ = &v->loc;
  if (v->expanding) {
    if (v->exp_count == 0) {
      Fatal(expanding_loc_ ? expanding_loc_ : reading_loc_,
            "Recursive variable '" + v->name + "' references itself (eventually)");
    }
    --v->exp_count;
  }
  // Like GNU make, the flag is cleared (not restored) on the way out.
  v->expanding = true;
  try {
    ExpandVariableValue(v, out);
  } catch (...) {
    v->expanding = false;
    throw;
  }
  v->expanding = false;
  expanding_loc_ = saved_exp;
  if (set_reading) reading_loc_ = nullptr;
}

namespace {

/// GNU make's variable_append: the value of a target-specific `+=` variable is the value
/// inherited from outer scopes followed by its own.
void VariableAppend(Make* m, std::string_view name, SetList* set, bool local,
                    std::string* buf) {
  if (set == nullptr) return;
  bool nextlocal = local && !set->next_is_parent;
  Variable* v = set->set->Lookup(name);
  if (v == nullptr || (!local && v->private_var)) {
    VariableAppend(m, name, set->next, nextlocal, buf);
    return;
  }
  if (v->append) VariableAppend(m, name, set->next, nextlocal, buf);
  if (!buf->empty()) buf->push_back(' ');
  if (!v->recursive) {
    buf->append(v->value);
  } else {
    m->Expand(v->value, buf);
  }
}

}  // namespace

void Make::ExpandVariableValue(Variable* v, std::string* out) {
  if (v->append) {
    std::string buf;
    VariableAppend(this, v->name, current_, true, &buf);
    out->append(buf);
  } else {
    Expand(v->value, out);
  }
}

std::string Make::ExpandQuietlyForFile(std::string_view text, File* file) {
  struct Restore {
    bool* flag;
    bool saved;
    ~Restore() { *flag = saved; }
  } restore{&opts_.warn_undefined, opts_.warn_undefined};
  opts_.warn_undefined = false;
  return ExpandForFile(text, file);
}

std::string Make::ExpandForFile(std::string_view text, File* file) {
  if (file == nullptr) return Expand(text);
  SetList* save = current_;
  const Loc* save_loc = reading_loc_;
  current_ = file->variables ? file->variables : &global_list_;
  reading_loc_ = (file->cmds && file->cmds->loc.valid()) ? &file->cmds->loc : nullptr;
  std::string out;
  try {
    Expand(text, &out);
  } catch (...) {
    current_ = save;
    reading_loc_ = save_loc;
    throw;
  }
  current_ = save;
  reading_loc_ = save_loc;
  return out;
}

}  // namespace kbmake
