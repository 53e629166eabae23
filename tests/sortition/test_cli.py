"""``organiser sortition select`` and ``verify``, end to end on CSV files."""

from __future__ import annotations

import json

from click.testing import CliRunner
from flask import Flask

from organiser.assemblies.sortition.cli import sortition_group
from organiser.cli import register_commands

CATEGORIES = "category,feature,min,max\ngender,f,2,3\ngender,m,2,3\nage,young,1,2\nage,old,3,4\n"
GENDERS, AGES = "ffffmmmmmmff", "yoyoooyooooo"
PEOPLE = "id,gender,age,email\n" + "".join(
    f"v{i},{g},{'young' if a == 'y' else 'old'},v{i}@example.org\n"
    for i, (g, a) in enumerate(zip(GENDERS, AGES, strict=True))
)


def run(*args: str):
    return CliRunner().invoke(sortition_group, list(args))


def select(tmp_path, *extra: str, seed: str = "lottery 6 14 22 31 40", categories: str = CATEGORIES):
    (tmp_path / "categories.csv").write_text(categories)
    (tmp_path / "people.csv").write_text(PEOPLE)
    return run(
        "select", "--categories", str(tmp_path / "categories.csv"),
        "--respondents", str(tmp_path / "people.csv"),
        "--panel-size", "5", "--seed", seed, "--output", str(tmp_path / "out.json"), *extra,
    )  # fmt: skip


def test_select_writes_the_distribution_and_verify_redraws_the_same_panel(tmp_path):
    result = select(tmp_path, "--method", "maximin", "--time-limit", "30")
    assert result.exit_code == 0, result.output
    out = json.loads((tmp_path / "out.json").read_text())
    assert {"method", "reached", "panels", "probabilities", "selected", "distribution_sha256"} <= set(out)
    assert out["method"] == out["reached"] == "maximin"
    assert (
        sum(panel["probability"] for panel in out["panels"]) == 1
        or abs(sum(panel["probability"] for panel in out["panels"]) - 1) < 1e-9
    )
    assert abs(sum(out["probabilities"].values()) - 5) < 1e-9
    selected = out["selected"]
    assert len(selected) == 5 and ", ".join(selected) in result.output
    genders = [GENDERS[int(p[1:])] for p in selected]
    assert 2 <= genders.count("f") <= 3 and 1 <= [AGES[int(p[1:])] for p in selected].count("y") <= 2
    assert "@" not in (tmp_path / "out.json").read_text()  # ids only, nothing else from the spreadsheet

    verified = run("verify", "--distribution", str(tmp_path / "out.json"), "--seed", "lottery 6 14 22 31 40")
    assert verified.exit_code == 0, verified.output
    assert verified.output.split("\n")[1:6] == selected
    assert out["distribution_sha256"] in verified.output

    again = select(tmp_path, "--method", "maximin", "--time-limit", "30")
    assert json.loads((tmp_path / "out.json").read_text())["selected"] == selected, again.output


def test_verify_refuses_a_tampered_distribution(tmp_path):
    assert select(tmp_path, "--method", "leximin").exit_code == 0
    out = json.loads((tmp_path / "out.json").read_text())
    out["panels"][0]["probability"] += 0.01
    (tmp_path / "out.json").write_text(json.dumps(out))
    result = run("verify", "--distribution", str(tmp_path / "out.json"), "--seed", "x")
    assert result.exit_code == 1 and "not the" in result.output


def test_infeasible_quotas_exit_1_naming_them(tmp_path):
    result = select(tmp_path, categories=CATEGORIES.replace("age,young,1,2", "age,young,4,5"))
    assert result.exit_code == 1
    assert "age = young (min 4, max 5)" in result.output and "3 in the pool" in result.output
    assert not (tmp_path / "out.json").exists()
    result = select(tmp_path, categories=CATEGORIES.replace("age,young,1,2", "age,young,1,x"))
    assert result.exit_code == 1 and "row 4: max must be a whole number" in result.output


def test_the_group_is_an_organiser_command():
    app = Flask(__name__)
    register_commands(app)
    assert app.cli.commands["sortition"] is sortition_group
