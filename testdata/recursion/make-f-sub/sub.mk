target:
	@echo sub.mk target level=$(MAKELEVEL)
