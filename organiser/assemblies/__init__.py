"""Assemblies, tribunals, registrations, agenda, testimonies, verdicts and demands."""
