V = sub-file
all:
	@echo V=$(V)
