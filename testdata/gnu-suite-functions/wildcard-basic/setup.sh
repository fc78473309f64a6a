touch b.x a.x c.y; mkdir d; touch d/1 d/2
