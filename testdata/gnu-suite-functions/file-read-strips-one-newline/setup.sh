printf 'a\nb\n\n' > in.txt
