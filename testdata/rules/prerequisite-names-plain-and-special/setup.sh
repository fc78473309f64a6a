touch a b 'c)' '(d' 'x y' 1.q 2.q o1
mkdir -p h
touch h/f
