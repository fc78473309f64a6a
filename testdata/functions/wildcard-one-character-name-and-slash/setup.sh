touch a ab d/a 2>/dev/null; mkdir d; touch d/a; ln -s d l; ln -s nowhere x; ln -s a y; ln -s nowhere xx
