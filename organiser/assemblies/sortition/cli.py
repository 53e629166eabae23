"""``organiser sortition``: select a panel from spreadsheets, and verify a published draw.

    organiser sortition select --categories CATEGORIES.csv --respondents PEOPLE.csv --panel-size K \\
        --seed S --output OUT.json [--method maximin|leximin|legacy] [--time-limit SECONDS]
    organiser sortition verify --distribution OUT.json --seed S
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

METHODS = (
    "leximin",
    "maximin",
    "legacy",
)  # as the solver's (imported when a command runs: SciPy is slow to load)


@click.group("sortition")
def sortition_group() -> None:
    """Citizens' assemblies chosen by lot: select from spreadsheets, verify a draw."""


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def _progress() -> object:
    last = [0.0]

    def report(fraction: float, text: str) -> None:
        if time.monotonic() - last[0] >= 5 or fraction >= 1:
            last[0] = time.monotonic()
            click.echo(f"{fraction:4.0%} {text}", err=True)

    return report


@sortition_group.command("select")
@click.option(
    "--categories",
    "categories_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV: category,feature,min,max",
)
@click.option(
    "--respondents",
    "people_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV: id and one column per category",
)
@click.option("--panel-size", required=True, type=click.IntRange(min=1))
@click.option("--seed", required=True, help="The seed published before the draw.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(METHODS), default="leximin", show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=1), default=600.0, show_default=True, help="Seconds.")
def select(
    categories_path: Path,
    people_path: Path,
    panel_size: int,
    seed: str,
    output: Path,
    method: str,
    time_limit: float,
) -> None:
    """Find a fair distribution over panels that meet the quotas, draw one with SEED, write OUT.json."""
    from organiser.assemblies.sortition.solver import (
        Infeasible,
        Instance,
        distribution_sha256,
        draw,
        find_distribution,
        read_categories_csv,
        read_people_csv,
    )

    try:
        quotas = read_categories_csv(_read(categories_path))
        people = read_people_csv(_read(people_path), [q.category for q in quotas])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    instance = Instance(people=people, quotas=quotas, panel_size=panel_size)
    try:
        distribution = find_distribution(instance, method, time_limit, progress=_progress())
    except Infeasible as exc:
        raise click.ClickException(exc.message) from None
    selected = draw(distribution, seed)
    data = distribution.to_json() | {
        "selected": list(selected),
        "seed": seed,
        "distribution_sha256": distribution_sha256(distribution),
        "minimum": distribution.minimum,
        "upper_bound": distribution.upper_bound,
    }
    output.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    click.echo(
        f"Method {method}, reached {distribution.reached}: {len(distribution.panels)} panels, "
        f"smallest selection probability {distribution.minimum:.4f}."
    )
    click.echo(f"Distribution SHA-256: {data['distribution_sha256']}")
    click.echo(f"Selected with seed {seed!r}: {', '.join(selected)}")
    click.echo(f"Written to {output}")


@sortition_group.command("verify")
@click.option(
    "--distribution", "path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--seed", required=True)
def verify(path: Path, seed: str) -> None:
    """Re-run the draw from a published distribution and seed; print the panel."""
    from organiser.assemblies.sortition.solver import Distribution, distribution_sha256, draw

    try:
        data = json.loads(_read(path))
        distribution = Distribution.from_json(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(f"{path} is not a published distribution: {exc}") from None
    digest = distribution_sha256(distribution)
    if data.get("distribution_sha256") not in (None, digest):
        raise click.ClickException(
            f"the distribution's SHA-256 is {digest}, not the {data['distribution_sha256']} the file states"
        )
    panel = draw(distribution, seed)
    click.echo(f"Distribution SHA-256: {digest}")
    for person in panel:
        click.echo(person)
    if "selected" in data and data["selected"] != list(panel) and data.get("seed") == seed:
        raise click.ClickException("this is not the panel the file says was selected with this seed")
