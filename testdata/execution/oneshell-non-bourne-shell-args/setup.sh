chmod +x args.sh
