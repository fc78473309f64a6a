touch a
