mkdir RCS; touch RCS/foo,v
