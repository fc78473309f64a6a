t:
	@echo sub rebuilt t
