touch "a b.w"
