printf 'echo "run by sh: $0 [$*]"\n' > exec.cmd; chmod +x exec.cmd
printf 'echo never\n' > noexec.cmd; chmod -x noexec.cmd
mkdir -p adir
