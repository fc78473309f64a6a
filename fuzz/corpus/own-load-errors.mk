-load missing.so
load fuzzplugin.so(fuzzplugin_noremake_setup)
$(info [$(.LOADED)] $(fz-join x))
$(fz-add .bad,300,2)
