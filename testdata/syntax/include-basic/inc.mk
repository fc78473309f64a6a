from_inc = included
