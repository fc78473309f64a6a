mkdir d; touch d/x.in
