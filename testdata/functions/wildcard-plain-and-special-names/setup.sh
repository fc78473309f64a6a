touch a b 'c)' '(d' 'x y' 1.q 2.q
mkdir -p d h
touch h/f
ar rc lib.a a 2>/dev/null || true
mv a m1.o 2>/dev/null; touch a; ar rc lib.a m1.o; rm -f m1.o
