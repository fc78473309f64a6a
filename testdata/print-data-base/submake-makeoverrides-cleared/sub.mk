all:
	@echo 'sub V=[$(V)]'
