touch h.txt
