touch -d @1000000000 bar; touch -d @1000000100 foo all
