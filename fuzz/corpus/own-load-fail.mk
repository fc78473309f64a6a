load fuzzplugin.so fuzzplugin.so(fuzzplugin_fail_setup)
load $(.LOADED)(fuzzplugin_fail_setup) fuzzplugin.so()
