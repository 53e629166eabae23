"""Supporters and the consent ledger: who acted, and who may e-mail them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing to register: other packages use its models and services."""
