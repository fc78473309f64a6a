all:
	@echo V=$(V) $(origin V)
