all:
	@echo 'MFLAGS=[$(MFLAGS)]'
