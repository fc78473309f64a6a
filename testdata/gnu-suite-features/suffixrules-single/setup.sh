touch prog.in
