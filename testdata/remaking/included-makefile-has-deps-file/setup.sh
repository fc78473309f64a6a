echo 'D = one' > deps.mk
touch -d @1500000000 deps.mk
touch -d @1550000000 deps.in
