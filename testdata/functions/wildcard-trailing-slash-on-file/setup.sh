mkdir sub1 sub2; touch f1 f2 sub1/x; ln -s sub1 lnd; ln -s nothere dang
