all:
	echo sub-not-silent
