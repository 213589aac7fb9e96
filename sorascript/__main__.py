from sorascript.cli import main

main()
