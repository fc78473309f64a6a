#ifndef AFL
#error no AFLAGS_s.o
#endif
	.globl s_sym
s_sym:	ret
