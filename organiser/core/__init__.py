"""Accounts, role grants, permissions; people and consent."""
