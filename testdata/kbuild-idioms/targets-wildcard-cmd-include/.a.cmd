cmd_a := saved command a
