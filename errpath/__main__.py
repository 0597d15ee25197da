from errpath.cli import main

main()
