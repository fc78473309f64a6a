mkdir sub; touch sub/f; ln -s sub lnk
