"""Outbox, mailings, RQ jobs, unsubscribe and suppression. Imports no other domain package."""
