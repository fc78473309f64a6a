load fuzzplugin.so
F = $(fz-expand $$(call F))
$(info $(fz-eval $$(error boom)))
