touch x.in y.in
