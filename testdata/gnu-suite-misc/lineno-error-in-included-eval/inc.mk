
$(eval $(error from included eval))
