all:
	@echo 'sub [$(CMDS)] [$(value CMDS)] [$(R)] [$(value R)] $(MAKEOVERRIDES)'
