touch all
