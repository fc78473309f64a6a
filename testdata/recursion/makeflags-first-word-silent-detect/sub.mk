quiet := $(if $(findstring s,$(firstword -$(MAKEFLAGS))),silent,verbose)
all:
	@echo sub $(quiet)
