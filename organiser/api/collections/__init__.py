"""The read collections, registered in the order the entry point lists them."""

from organiser.api.collections import actions, assemblies, coalitions, people, tags  # noqa: F401
