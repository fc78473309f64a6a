# Alternates between two directories holding the same makefile and different data.
M=$1
export XDG_CACHE_HOME="$PWD/../cache"
sleep 0.2
for i in 1 2 3; do
  (cd a && "$M")
  (cd b && "$M")
done
echo changed > b/data.txt
sleep 0.2
(cd a && "$M")
(cd b && "$M")
