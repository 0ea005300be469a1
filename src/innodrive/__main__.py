from innodrive.launch import main

main()
