"""errpath: a static auditor of Linux-kernel C error paths across a git range."""
__version__ = "0.1.0"


def _alias_checkout_packages() -> None:
    """In a source checkout, rules/ and fixtures/ sit beside errpath/ instead of
    inside it: make them importable under the names an install gives them, so
    the loader imports a built-in rule as errpath.builtin_rules.<id> either way."""
    import os
    import sys
    import types
    here = os.path.dirname(os.path.abspath(__file__))
    for package, folder in (("builtin_rules", "rules"), ("builtin_fixtures", "fixtures")):
        name = f"{__name__}.{package}"
        if name in sys.modules or os.path.isdir(os.path.join(here, package)):
            continue
        source = os.path.join(os.path.dirname(here), folder)
        if os.path.isdir(source):
            module = types.ModuleType(name)
            module.__path__ = [source]
            module.__file__ = os.path.join(source, "__init__.py")
            module.__package__ = name
            sys.modules[name] = module


_alias_checkout_packages()
