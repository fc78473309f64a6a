s: ; @echo sub level=$(MAKELEVEL)
