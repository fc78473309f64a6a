V = sub-default
all:
	@echo V=$(V) origin=$(origin V)
