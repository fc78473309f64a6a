$(info list=$(MAKEFILE_LIST))
all:
	@false
