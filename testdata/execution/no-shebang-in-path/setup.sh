mkdir bin
printf 'echo "plain: $*"\n' > bin/plain; chmod +x bin/plain
