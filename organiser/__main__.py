from organiser.cli import main

main()
