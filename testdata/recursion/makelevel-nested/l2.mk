all:
	@echo l2 $(MAKELEVEL) env=$$MAKELEVEL
