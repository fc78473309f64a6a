FROM1 = yes1
