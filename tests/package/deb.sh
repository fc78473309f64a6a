#!/usr/bin/env bash
# cpack builds kbmake_<version>_amd64.deb holding exactly kbmake's files, and its Depends are
# the Debian packages of the shared libraries the packaged binary needs (no more, no fewer).
source "$(dirname "$0")/lib.sh"
arch=$(dpkg --print-architecture)
(cd "$scratch" && cpack --config "$BUILD_DIR/CPackConfig.cmake" -B "$scratch/out") \
  >"$scratch/cpack.log" 2>&1 || { cat "$scratch/cpack.log"; fail "cpack"; finish; }
deb=$scratch/out/kbmake_${VERSION}_$arch.deb
[[ -f $deb ]] && ok "package file name" || { fail "no $deb: $(ls "$scratch/out")"; finish; }

# Files: dpkg-deb -c prints "perms owner size date time path [-> target]".
files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { $1=$2=$3=$4=$5=""; sub(/^ +/, ""); print }' |
  LC_ALL=C sort)
expected="./usr/bin/kbmake
./usr/bin/kbmake-graph
./usr/lib/kbmake/bin/make -> ../../../bin/kbmake
./usr/share/bash-completion/completions/kbmake
./usr/share/man/man1/kbmake.1.gz"
[[ $files == "$expected" ]] && ok "package files" ||
  fail "package files:"$'\n'"$files"$'\n'"expected:"$'\n'"$expected"

info=$(dpkg-deb -I "$deb")
for field in "Package: kbmake" "Version: $VERSION" "Architecture: $arch"; do
  grep -qx " $field" <<<"$info" && ok "control: $field" || fail "control lacks '$field'"
done

# Depends, by package name, against the owners of the binaries' NEEDED libraries.
dpkg-deb -x "$deb" "$scratch/root"
depends=$(sed -n 's/^ Depends: //p' <<<"$info" | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' |
  LC_ALL=C sort -u)
needed=$(for b in kbmake kbmake-graph; do
  objdump -p "$scratch/root/usr/bin/$b" | awk '$1 == "NEEDED" { print $2 }'
done | LC_ALL=C sort -u)
owners=$(for lib in $needed; do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ { print $NF; exit }')
  [[ $path ]] || { echo "UNRESOLVED:$lib"; continue; }
  dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -n 1 | cut -d: -f1 ||
    dpkg -S "$path" | head -n 1 | cut -d: -f1
done | LC_ALL=C sort -u)
echo "NEEDED: $(echo $needed)"
echo "Depends: $(echo $depends)"
[[ $depends && $depends == "$owners" ]] && ok "Depends are the NEEDED libraries' packages" ||
  fail "Depends '$(echo $depends)' != owners of NEEDED '$(echo $owners)'"
# libstdc++ and libgcc are linked statically (kbmake/CMakeLists.txt).
grep -qE 'libstdc\+\+|libgcc' <<<"$needed" && fail "binary needs libstdc++/libgcc" ||
  ok "libstdc++/libgcc static"
# The package's binary is stripped and runs.
readelf -S "$scratch/root/usr/bin/kbmake" | grep -qF .debug_info &&
  fail "packaged binary has debug info" || ok "binary stripped"
check_version_output "$("$scratch/root/usr/bin/kbmake" --version)" "packaged kbmake --version"
finish
