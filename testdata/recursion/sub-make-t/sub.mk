t:
	@echo never
