mkdir -p x-dir
touch -d @1000000000 x-dir/x
touch -d @1000000100 y
