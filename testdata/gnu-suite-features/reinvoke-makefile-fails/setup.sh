rm inc.mk
