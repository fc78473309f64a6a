
all:
	@echo before
	@exit 2
