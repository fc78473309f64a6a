s: ; @echo "sub V=$(V)"
