touch x.in
