echo "== step 1: no options"
"$1" --trace 2>&1
echo "== step 2: -B"
"$1" --trace -B 2>&1
