"""``organiser create-api-key``: a key for a coalition or an organisation, printed once."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from organiser.api.keys import create_key
from organiser.coalitions.models import Coalition, Organisation
from organiser.db import db


@click.command("create-api-key")
@click.option("--coalition", "coalition_slug", help="The coalition's slug (the key sees its chapters too).")
@click.option("--organisation", "organisation_slug", help="The organisation's slug.")
@click.option("--name", required=True, help="What the key is for, such as 'our CRM'.")
@with_appcontext
def create_api_key(coalition_slug: str | None, organisation_slug: str | None, name: str) -> None:
    """Create an API key for a coalition or an organisation; the key is printed once, never stored."""
    if bool(coalition_slug) == bool(organisation_slug):
        raise click.UsageError("Give either --coalition SLUG or --organisation SLUG.")
    if not name.strip():
        raise click.UsageError("Name the key with --name.")
    model, slug = (Coalition, coalition_slug) if coalition_slug else (Organisation, organisation_slug)
    owner = db.session.scalar(select(model).where(model.slug == slug))
    if owner is None:
        raise click.UsageError(f"There is no {model.__name__.lower()} with the slug {slug!r}.")
    key, token = create_key(owner, name)
    db.session.commit()
    click.echo(f"API key {key.name!r} for {owner.name} (it is shown only this once; keep it safe):")
    click.echo(token)
