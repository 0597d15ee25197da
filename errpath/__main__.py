from errpath.cli import entry

entry()
