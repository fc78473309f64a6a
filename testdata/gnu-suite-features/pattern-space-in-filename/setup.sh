touch "some file.yy"
