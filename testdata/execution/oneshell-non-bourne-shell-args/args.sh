for a in "$@"; do printf '[%s]' "$a"; done
echo
