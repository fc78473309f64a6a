define R
t:
	@echo from eval t
endef
$(eval $(R))
