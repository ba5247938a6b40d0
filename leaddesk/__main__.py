from leaddesk.cli import main

main()
