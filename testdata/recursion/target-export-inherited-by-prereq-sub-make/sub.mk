all:
	@echo V=[$(V)]
