"""The read collections, registered in the order the entry point and the document list them."""

import importlib

MODULES = ("coalitions", "people", "actions", "assemblies", "tribunals", "tags")
for _module in MODULES:
    importlib.import_module(f"{__name__}.{_module}")
