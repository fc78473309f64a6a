all:
	@echo '$(patsubst \%%,x%,%a %b c)'
	@echo '$(patsubst a\%b,X,a%b ab)'
