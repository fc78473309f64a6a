mkdir inc; touch inc/a.h inc/b.h inc/c.h
