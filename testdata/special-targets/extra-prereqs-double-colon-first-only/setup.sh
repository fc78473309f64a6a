touch -d @1000000000 old
touch -d @1000000100 out
