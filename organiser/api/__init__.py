"""The JSON API, OSDI-shaped."""
