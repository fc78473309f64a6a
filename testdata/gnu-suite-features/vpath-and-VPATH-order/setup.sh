mkdir d1 d2; touch d1/a d2/a
