mkdir -p bin1/isdir bin2
printf 'echo bin1 noexec\n' > bin1/noexec
printf 'echo bin1 onlyfile\n' > bin1/onlyfile
printf 'echo bin2 noexec\n' > bin2/noexec; chmod +x bin2/noexec
printf 'echo bin2 isdir\n' > bin2/isdir; chmod +x bin2/isdir
