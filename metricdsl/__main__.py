from metricdsl.cli import main

main()
