printf 'echo hi\n' > script.sh
