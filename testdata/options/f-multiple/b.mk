all:
	@echo $(A) b $(MAKEFILE_LIST)
