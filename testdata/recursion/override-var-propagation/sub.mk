all:
	@echo O=[$(O)]
