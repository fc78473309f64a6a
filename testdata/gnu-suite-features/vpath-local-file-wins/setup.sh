mkdir d1; touch a d1/a
