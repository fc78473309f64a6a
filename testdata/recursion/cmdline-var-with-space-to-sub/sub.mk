all:
	@echo '[$(V)]' $(words $(V))
