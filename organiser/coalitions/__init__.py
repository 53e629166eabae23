"""Coalitions, chapters, organisations and memberships."""
