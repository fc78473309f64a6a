touch x.txt
