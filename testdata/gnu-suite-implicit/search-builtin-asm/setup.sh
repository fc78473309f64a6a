touch a.s b.S
