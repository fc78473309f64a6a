all:
	@echo $(CURDIR) x
