all:
	@echo FROMENV=$(FROMENV) $(origin FROMENV)
