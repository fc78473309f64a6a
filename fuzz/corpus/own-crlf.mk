a: b
	echo crlf
v = 1 \
 2
