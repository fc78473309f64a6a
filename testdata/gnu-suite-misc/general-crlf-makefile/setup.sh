printf 'V = x\r\nall: ; @echo "[$(V)]"\r\n' > Makefile
