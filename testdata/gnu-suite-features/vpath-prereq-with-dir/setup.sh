mkdir -p src/sub; touch src/sub/a
