FROM2 = yes2
