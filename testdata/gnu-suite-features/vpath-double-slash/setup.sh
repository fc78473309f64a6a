mkdir d1; touch d1/a
