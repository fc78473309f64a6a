all:
	@echo E=[$(E)] $(origin E) N=[$(N)]
