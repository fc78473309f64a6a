t:
	@echo x
