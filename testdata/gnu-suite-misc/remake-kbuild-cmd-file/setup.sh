touch src
