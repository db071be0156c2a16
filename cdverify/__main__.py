from cdverify.cli import entry

entry()
