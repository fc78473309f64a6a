ln -s real lnk
