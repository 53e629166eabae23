"""The pages of selection by lot, split by audience: ``manage`` for the organisers, ``public``."""
