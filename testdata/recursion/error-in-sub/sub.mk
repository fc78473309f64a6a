all:
	@echo in sub
	@false
