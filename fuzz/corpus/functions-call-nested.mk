map = $(foreach a,$(2),$(call $(1),$(a)))
up = <$(1)>
twice = $(call map,up,$(1) $(1))
all:
	@echo '$(call map,up,x y)' '$(call twice,z)'
