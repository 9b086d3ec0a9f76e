from xarxa.cli import main

main()
