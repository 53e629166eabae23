"""Supporters and the consent ledger: who acted, and who may e-mail them."""
