all:
	@echo sub goals=[$(MAKECMDGOALS)]
