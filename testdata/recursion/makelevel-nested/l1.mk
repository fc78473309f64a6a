all:
	@echo l1 $(MAKELEVEL)
	@$(MAKE) -f l2.mk
