load fuzzplugin.so
F = $(fz-expand $$(call F))
$(info $(call F))
