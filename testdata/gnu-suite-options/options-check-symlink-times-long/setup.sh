touch -d @1000000000 target; ln -s target lnk; touch -h -d @1000000200 lnk; touch -d @1000000100 all
