x:
	@echo sub ran
