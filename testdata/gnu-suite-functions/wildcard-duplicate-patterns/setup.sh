touch a.w
