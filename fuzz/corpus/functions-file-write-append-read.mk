$(file >out.txt,line1)
$(file >>out.txt,line2)
x := $(file <out.txt)
$(info [$(x)])
all:
	@cat out.txt
