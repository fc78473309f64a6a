rm -f Makefile.bak; touch .hidden vis
