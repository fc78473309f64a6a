X = from-sub-inc
