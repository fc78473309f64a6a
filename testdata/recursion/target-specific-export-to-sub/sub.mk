all:
	@echo T=[$(T)] $(origin T)
