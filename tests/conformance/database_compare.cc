// The `data-base` and `sections-as-sets` comparisons of -p output; see database_compare.h.
#include "tests/conformance/database_compare.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace kbconf {
namespace {

using Lines = std::vector<std::string>;

enum class Section { kOther, kVariables, kDirectories, kFiles };

// Lines that cannot be the same between two runs, rewritten or (empty result) dropped.
// Returns false if the line is dropped.
bool FilterLine(std::string* line) {
  static const RE2 kStats(
      "# (variable set |files |)hash-table stats:|"
      "# Load=\\d+/\\d+=\\d+%, Rehash=\\d+, Collisions=\\d+/\\d+=\\d+%|"
      "# strcache .*|# current buf: .*|# other (used|free): .*|# No strcache buffers");
  if (RE2::FullMatch(*line, kStats)) return false;
  for (const char* prefix : {"# Make data base, printed on ", "# Finished Make data base on "}) {
    if (absl::StartsWith(*line, prefix)) *line = std::string(prefix) + "@DATE@";
  }
  if (absl::StartsWith(*line, "#  Last modified ")) *line = "#  Last modified @MTIME@";
  return true;
}

// The section a header line starts, if it is one.
bool SectionHeader(const std::string& line, Section* section) {
  if (line == "# Variables") {
    *section = Section::kVariables;
  } else if (line == "# Files") {
    *section = Section::kFiles;
  } else if (line == "# Directories") {
    *section = Section::kDirectories;
  } else if (line == "# Pattern-specific Variable Values" || line == "# Implicit Rules" ||
             line == "# VPATH Search Paths" || line == "# GNU Make 4.3" ||
             absl::StartsWith(line, "# Finished Make data base on ")) {
    *section = Section::kOther;
  } else {
    return false;
  }
  return true;
}

// "# <origin>[ private][ (from 'F', line N)]": the first line of a printed variable.
bool IsOriginLine(const std::string& line) {
  static const RE2 kOrigin(
      "# (automatic|default|environment|makefile|environment under -e|command line|"
      "'override' directive)( private)?( \\(from '.*', line \\d+\\))?");
  return RE2::FullMatch(line, kOrigin);
}

// A variable printed as `define NAME` (optionally after a "# " or "target: " prefix); not
// a variable named "define" (`define = d`).
bool StartsDefine(const std::string& line) {
  static const RE2 kDefine("(# |[^:]*: )?define \\S+");
  return RE2::FullMatch(line, kDefine);
}

// Sorts every run of consecutive printed variables (origin line, definition, and a define's
// body through its matching `endef`); other lines keep their place. With `continuations`
// (the "# Variables" section, where nothing else follows a definition), the further lines
// of a simple variable's multi-line value belong to it too.
Lines SortVariableRuns(const Lines& in, bool continuations) {
  Lines out;
  std::vector<std::string> run;  // each element: one variable's lines joined with '\n'
  auto flush = [&]() {
    std::sort(run.begin(), run.end());
    for (const std::string& v : run) {
      for (absl::string_view l : absl::StrSplit(v, '\n')) out.emplace_back(l);
    }
    run.clear();
  };
  for (size_t i = 0; i < in.size();) {
    if (!IsOriginLine(in[i]) || i + 1 >= in.size()) {
      flush();
      out.push_back(in[i++]);
      continue;
    }
    std::string var = in[i] + "\n" + in[i + 1];
    bool define = StartsDefine(in[i + 1]);
    i += 2;
    if (define) {
      for (int depth = 1; i < in.size() && depth > 0; ++i) {
        if (in[i] == "endef") --depth;
        if (in[i] == "define" || absl::StartsWith(in[i], "define ")) ++depth;
        var += "\n" + in[i];
      }
    } else if (continuations) {
      for (; i < in.size() && !in[i].empty() && !IsOriginLine(in[i]); ++i) var += "\n" + in[i];
    }
    run.push_back(std::move(var));
  }
  flush();
  return out;
}

// The "# Files" section: entries are separated by blank lines; each entry's variables are
// sorted, then the entries. A ".RECIPEPREFIX = X" line opening an entry is dropped: GNU make
// prints it where the recipe prefix changes along its hash-table walk.
Lines SortFileEntries(const Lines& in) {
  std::vector<std::string> entries;
  Lines entry;
  auto flush = [&]() {
    if (!entry.empty()) entries.push_back(absl::StrJoin(SortVariableRuns(entry, false), "\n"));
    entry.clear();
  };
  for (const std::string& line : in) {
    if (line.empty()) {
      flush();
    } else if (!(entry.empty() && absl::StartsWith(line, ".RECIPEPREFIX = "))) {
      entry.push_back(line);
    }
  }
  flush();
  std::sort(entries.begin(), entries.end());
  Lines out;
  for (const std::string& e : entries) {
    out.emplace_back();
    for (absl::string_view l : absl::StrSplit(e, '\n')) out.emplace_back(l);
  }
  return out;
}

}  // namespace

std::optional<CompareMode> ParseCompareMode(const std::string& compare_file) {
  std::string first = compare_file.substr(0, compare_file.find('\n'));
  if (first == "exact") return CompareMode::kExact;
  if (first == "data-base") return CompareMode::kDataBase;
  if (first == "sections-as-sets") return CompareMode::kSectionsAsSets;
  return std::nullopt;
}

std::string CanonicalDataBaseOutput(const std::string& text, bool sorted) {
  Lines lines = absl::StrSplit(text, '\n');
  Lines out;
  Lines body;  // the current hash-ordered section's lines
  Section section = Section::kOther;
  auto end_section = [&]() {
    if (!sorted) {
      for (std::string& l : body) out.push_back(std::move(l));
    } else if (section == Section::kVariables) {
      for (std::string& l : SortVariableRuns(body, true)) out.push_back(std::move(l));
    } else if (section == Section::kFiles) {
      for (std::string& l : SortFileEntries(body)) out.push_back(std::move(l));
    }
    body.clear();
  };
  for (std::string& line : lines) {
    if (!FilterLine(&line)) continue;
    Section next;
    if (SectionHeader(line, &next)) {
      end_section();
      section = next;
      out.push_back(line);
      continue;
    }
    switch (section) {
      case Section::kOther: out.push_back(line); break;
      case Section::kDirectories: break;  // GNU make's directory cache: not compared
      case Section::kVariables:
      case Section::kFiles: body.push_back(line); break;
    }
  }
  end_section();
  return absl::StrJoin(out, "\n");
}

}  // namespace kbconf
