"""Assemblies chosen by lot: a pool of volunteers, quotas, a fair distribution over panels and a
verifiable draw (to come)."""
