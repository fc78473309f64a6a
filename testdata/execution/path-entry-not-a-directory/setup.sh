echo > file
