all:
	@echo x
