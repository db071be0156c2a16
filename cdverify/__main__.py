from cdverify.cli import main

main()
