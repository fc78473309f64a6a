touch prog.q
