mkdir libs; touch libs/libbar.a
