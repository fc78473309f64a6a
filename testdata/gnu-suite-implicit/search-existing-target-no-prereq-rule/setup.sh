touch foo.o
