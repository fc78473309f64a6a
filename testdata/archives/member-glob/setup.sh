for f in b.o a.o c.x; do printf $f > $f; touch -d @1000000000 $f; done; ar rcU libx.a b.o a.o c.x 2>/dev/null; rm -f a.o b.o c.x
