touch a.cc b.cpp c.C
