touch a.one a.two a.three
