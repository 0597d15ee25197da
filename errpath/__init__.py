"""errpath: a static auditor of Linux-kernel C error paths across a git range."""
__version__ = "0.1.0"
