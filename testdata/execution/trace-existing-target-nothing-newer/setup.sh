touch here again
