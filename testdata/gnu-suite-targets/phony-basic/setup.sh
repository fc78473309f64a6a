touch clean
