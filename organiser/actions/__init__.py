"""Petitions, signatures, targets, letter campaigns and letters (issue: petitions)."""
