all:
	@echo 'sub MAKEFLAGS=[$(MAKEFLAGS)]'
