ln -s nowhere lnk
