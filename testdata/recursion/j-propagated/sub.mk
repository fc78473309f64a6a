all:
	@echo 'sub sees [$(findstring j,$(MAKEFLAGS))]'
