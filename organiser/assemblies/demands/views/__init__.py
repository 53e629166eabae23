"""Demands' pages, split by audience: ``public`` (the vote page an e-mailed link opens) and ``manage``
(the organisers' list, the vote, the kiosk, launching, outcomes). ``ballot`` reads a ballot's answers.
Their URLs are in ``organiser.assemblies.demands.blueprint``."""
