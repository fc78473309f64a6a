printf 'a\r\n' > crlf.txt; printf 'b\r\n\r\n' > crlf2.txt; mkdir adir
