.PHONY: all clean
.SUFFIXES: .c .o
.SECONDEXPANSION:
all: a.o b.o | dir ; @echo $^ $|
%.o: %.c $$(wildcard $$*.h)
	$(CC) -c $< -o $@
a.o: CFLAGS += -O2
%.o: private X := 1
c.o d.o &: e.c
x:: y
x:: z
vpath %.c src
.DEFAULT_GOAL := all
lib.a(m.o): m.o
$(objs): %.o: %.c
