"""Selection by lot for the assembly's organisers: the pool's settings, the quotas (and their CSV),
importing volunteers, starting a run, its progress and results, the seed and the draw, the
invitations and the re-draw of declined seats."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.assemblies.models import Assembly
from organiser.assemblies.sortition import draws, invitations, pools, selection, solver, volunteers
from organiser.assemblies.sortition.forms import (
    CommitForm,
    ImportForm,
    LotteryForm,
    PoolForm,
    QuotasForm,
    RevealForm,
    RunForm,
)
from organiser.assemblies.sortition.models import RunStatus, SelectionRun, SortitionPool
from organiser.assemblies.sortition.results import comparison
from organiser.db import db
from organiser.web.downloads import csv_download, to_csv
from organiser.web.forms import ConfirmForm
from organiser.web.permissions import authorise


def _pool(assembly: Assembly) -> SortitionPool:
    pool = pools.pool_of(assembly)
    if pool is None:
        abort(404)
    return pool


@authorise(Assembly, "can_manage")
def overview(assembly: Assembly) -> str | Response:
    """The pool's settings (switching "selected by lot" on), what is in the pool, the runs."""
    pool = pools.pool_of(assembly)
    form = PoolForm(
        categories=pools.categories_text(pool),
        panel_size=pool.panel_size if pool else 10,
        one_per_household=pool.one_per_household if pool else False,
        volunteering_open=pool.volunteering_open if pool else False,
    )
    if form.validate_on_submit():
        pools.set_up(
            assembly,
            categories=form.parsed,
            panel_size=form.panel_size.data,
            one_per_household=form.one_per_household.data,
            volunteering_open=form.volunteering_open.data,
        )
        db.session.commit()
        flash(_("Selection by lot is set up."), "success")
        return redirect(url_for(".overview", slug=assembly.slug))
    return _overview(assembly, pool, form)


def _overview(
    assembly: Assembly, pool: SortitionPool | None, form: PoolForm, run_form: Any = None, status: int = 200
) -> Any:
    context: dict[str, Any] = {"assembly": assembly, "pool": pool, "form": form}
    if pool is not None:
        context.update(
            volunteers=len(pools.in_pool(pool)),
            counts=pools.feature_counts(pool),
            quotas=pools.quotas_of(pool),
            runs=selection.runs_of(pool),
            run_form=run_form or RunForm(),
            panel=selection.panel_of(pool),
            declined=selection.declined_of(pool),
            drawn=selection.first_draw(pool),
            button=ConfirmForm(),
        )
    return render_template("assemblies/sortition/overview.html", **context), status


@authorise(Assembly, "can_manage")
def quotas(assembly: Assembly) -> Any:
    """The quotas as CSV ``category,feature,min,max``: shown, changed, checked."""
    pool = _pool(assembly)
    form = QuotasForm(quotas=pools.quotas_csv(pool))
    if form.validate_on_submit():
        try:
            pools.set_quotas(pool, form.parsed)
        except ValueError as exc:
            form.quotas.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Quotas saved."), "success")
            return redirect(url_for(".overview", slug=assembly.slug))
    return render_template("assemblies/sortition/quotas.html", assembly=assembly, pool=pool, form=form)


@authorise(Assembly, "can_manage")
def quotas_csv(assembly: Assembly) -> Response:
    """The quotas as a file (formula-safe: the names are typed by people)."""
    rows = _pool(assembly).quotas or []
    return csv_download(to_csv(("category", "feature", "min", "max"), rows), f"{assembly.slug}-quotas.csv")


@authorise(Assembly, "can_manage")
def import_pool(assembly: Assembly) -> Any:
    """Paste a CSV of volunteers: a preview with row-numbered errors, then the import."""
    pool = _pool(assembly)
    form, check = ImportForm(), None
    if form.validate_on_submit():
        check = volunteers.check_import(pool, form.people.data)
        if request.form.get("confirm") and check.rows and not check.errors:
            added = volunteers.import_pool(pool, check)
            db.session.commit()
            flash(_("%(n)d volunteers imported.", n=added), "success")
            return redirect(url_for(".overview", slug=assembly.slug))
    return render_template(
        "assemblies/sortition/import.html", assembly=assembly, pool=pool, form=form, check=check
    )


@authorise(Assembly, "can_manage")
def start_run(assembly: Assembly) -> Any:
    """Check the quotas, then queue the selection run."""
    pool = _pool(assembly)
    form = RunForm()
    if not form.validate_on_submit():
        return _overview(assembly, pool, PoolForm(), form)
    replacing = request.form.get("replace") == "1"
    start = selection.start_replacement if replacing else selection.start_run
    try:
        run = start(pool, method=form.method.data, time_limit=form.time_limit.data, by=current_user)
    except (solver.Infeasible, selection.NotReady) as exc:
        db.session.rollback()
        form.method.errors.append(getattr(exc, "message", str(exc)))
        return _overview(assembly, pool, PoolForm(), form, 409)
    db.session.commit()
    return redirect(url_for(".run", slug=assembly.slug, run_id=run.id))


def _run_of(assembly: Assembly, run_id: int) -> tuple[SortitionPool, SelectionRun]:
    pool = _pool(assembly)
    run = db.session.get(SelectionRun, run_id)
    if run is None or run.pool_id != pool.id:
        abort(404)
    return pool, run


@authorise(Assembly, "can_manage")
def run(assembly: Assembly, run_id: int) -> Any:
    """A run: its progress bar while it works (the page reloads itself), then the probabilities and
    the draw."""
    pool, the_run = _run_of(assembly, run_id)
    return _run_page(assembly, pool, the_run)


def _run_page(
    assembly: Assembly, pool: SortitionPool, the_run: SelectionRun, status: int = 200, **forms: Any
) -> Any:
    draw = draws.draw_of(the_run)
    context = {
        "assembly": assembly,
        "pool": pool,
        "run": the_run,
        "working": the_run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and not selection.stalled(the_run),
        "stalled": selection.stalled(the_run),
        "results": comparison(the_run) if the_run.status == RunStatus.DONE else None,
        "draw": draw,
        "commit_form": forms.get("commit_form") or CommitForm(),
        "lottery_form": forms.get("lottery_form") or LotteryForm(),
        "reveal_form": forms.get("reveal_form") or RevealForm(),
    }
    return render_template("assemblies/sortition/run.html", **context), status


@authorise(Assembly, "can_manage")
def commit_seed(assembly: Assembly, run_id: int) -> Any:
    """Publish the seed's SHA-256, or enter a public lottery result as the seed (and draw)."""
    pool, the_run = _run_of(assembly, run_id)
    lottery = "result" in request.form
    form = LotteryForm() if lottery else CommitForm()
    field = form.result if lottery else form.seed_sha256
    if form.validate_on_submit():
        try:
            if lottery:
                draws.lottery_draw(the_run, form.result.data, by=current_user)
            else:
                draws.commit_seed(the_run, form.seed_sha256.data, by=current_user)
        except draws.DrawError as exc:
            db.session.rollback()
            field.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The panel is drawn.") if lottery else _("The SHA-256 is published."), "success")
            return redirect(url_for(".run", slug=assembly.slug, run_id=the_run.id))
    key = "lottery_form" if lottery else "commit_form"
    return _run_page(assembly, pool, the_run, **{key: form})


@authorise(Assembly, "can_manage")
def reveal(assembly: Assembly, run_id: int) -> Any:
    """Reveal the seed: it must match the SHA-256 published; the draw follows."""
    pool, the_run = _run_of(assembly, run_id)
    form = RevealForm()
    draw = draws.draw_of(the_run)
    if draw is None:  # nothing committed: the page offers the commitment
        return redirect(url_for(".run", slug=assembly.slug, run_id=the_run.id))
    if form.validate_on_submit():
        try:
            draws.reveal(draw, form.seed.data)
        except draws.DrawError as exc:
            db.session.rollback()
            form.seed.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The panel is drawn."), "success")
            return redirect(url_for(".run", slug=assembly.slug, run_id=the_run.id))
    return _run_page(assembly, pool, the_run, reveal_form=form)


@authorise(Assembly, "can_manage")
def invite(assembly: Assembly) -> Response:
    """E-mail everyone drawn who has not been invited yet."""
    pool = _pool(assembly)
    if ConfirmForm().validate_on_submit():
        count = invitations.invite(pool)
        db.session.commit()
        flash(_("%(n)d invitations sent.", n=count), "success")
    return redirect(url_for(".overview", slug=assembly.slug))
