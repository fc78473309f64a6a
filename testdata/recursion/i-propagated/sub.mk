all:
	@false
	@echo sub-continued
