from innodrive.cli import main

main()
