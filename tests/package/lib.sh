# shellcheck shell=bash
# Shared by the package tests: failure reporting, a scratch directory removed on exit, and
# the version line kbmake --version must end with.
set -euo pipefail
: "${SOURCE_DIR:?}" "${BUILD_DIR:?}" "${VERSION:?}"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
finish() { if ((fails)); then echo "$fails failure(s)" >&2; exit 1; fi; echo "all passed"; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/kbmake-package-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Checks the output of `kbmake --version` ($1): GNU make's banner exactly as /usr/bin/make
# prints it, then "kbmake VERSION (commit C)" where C names a commit of the source tree (HEAD,
# or an ancestor when commits were made since the build), or "unknown" outside git.
check_version_output() {
  local out=$1 what=$2 banner last commit
  banner=$(/usr/bin/make --version)
  if [[ $(head -n -1 <<<"$out") == "$banner" ]]; then ok "$what: GNU make's banner"
  else fail "$what: banner differs from /usr/bin/make --version:"$'\n'"$out"; fi
  last=$(tail -n 1 <<<"$out")
  if git -C "$SOURCE_DIR" rev-parse HEAD >/dev/null 2>&1; then
    if [[ $last =~ ^kbmake\ ${VERSION//./\\.}\ \(commit\ ([0-9a-f]{12,40})(-dirty)?\)$ ]]; then
      commit=${BASH_REMATCH[1]}
      git -C "$SOURCE_DIR" merge-base --is-ancestor "$commit" HEAD 2>/dev/null &&
        ok "$what: version line names commit $commit" ||
        fail "$what: $commit is not HEAD or an ancestor of it"
    else
      fail "$what: last line is not 'kbmake $VERSION (commit <hex digits>)': $last"
    fi
  else
    [[ $last == "kbmake $VERSION (commit unknown)" ]] && ok "$what: version line" ||
      fail "$what: last line: $last"
  fi
}
