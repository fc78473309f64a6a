all:
	@echo '[$(V)] [$(value V)] [$(W)] $(MAKEOVERRIDES)'
