echo junk > libx.a
