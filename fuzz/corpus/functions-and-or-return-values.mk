all:
	@echo '[$(and 1, 2 )][$(or , x )]'
