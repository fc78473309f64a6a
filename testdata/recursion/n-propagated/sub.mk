all:
	echo would-run
	touch created
