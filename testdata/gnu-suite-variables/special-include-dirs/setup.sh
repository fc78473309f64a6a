mkdir incd
