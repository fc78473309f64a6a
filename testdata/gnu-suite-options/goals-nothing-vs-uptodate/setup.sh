touch a b
