$(warning reading the included makefile)
from-inc:
	@echo in $@
