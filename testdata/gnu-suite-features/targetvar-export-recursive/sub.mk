s: ; @echo "[$(TV)]"
