"""The leader's review (F6): coverage, who is due, coach loads and sites, and
patterns as terminal charts. Read in a thread worker (a trust has years of
joins); acts through the same services and screens as the roster."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, Footer, Header, Input, Static, TabbedContent, TabPane

from coachtui.base.errors import UserError
from coachtui.base.glyphs import glyph
from coachtui.base.numbers import share
from coachtui.base.user_files import export_path, typed_path
from coachtui.leader import report, review
from coachtui.roster import staff
from coachtui.screens.common import ReloadOnResume, guarded
from coachtui.widgets.charts import BarChart, ColumnChart, bar
from coachtui.widgets.inputs import Tick
from coachtui.widgets.table import Column, RowTable

# Pane ids are prefixed: the roster's stylesheet already styles #coverage.
TABS = ("rv-coverage", "rv-due-tab", "rv-teams", "rv-patterns")
TAB_TITLES = ("Coverage", "Overdue and due soon", "Coaches & sites", "Patterns")
TOP = 8  # bars per pattern chart: more would not fit a laptop screen
# Each chart's title says what its numbers count.
FOCUS_TITLE = f"Agreed focus of joins, last {review.PATTERN_WEEKS} weeks: joins per focus"
STEPS_TITLE = f"Action steps set, last {review.PATTERN_WEEKS} weeks: steps set per step"
DEV_TITLE = "Development areas teachers carry now: teachers per area"


def _of(title: str, shown: int, total: int) -> str:
    """A chart's title with how many of its items it shows (the most first)."""
    return f"{title} ({shown} of {total}, most first)" if total else title

DUE_COLUMNS = [
    Column("name", "Teacher", 12, weight=3),  # room at 60 columns for "due today"
    Column("site", "Site", 9, weight=2, priority=2),
    Column("coach", "Coach", 10, weight=2),
    Column("due", "Due", 10),
    Column("why", "Why", 11, weight=1, priority=1),
    Column("state", "State", 9),  # "due today"
]
SITE_COLUMNS = [
    Column("name", "Site", 14, weight=3),
    Column("teachers", "Teachers", 8),
    Column("coached", "Coached", 7),
    Column("joined", "Joined 14d", 10, priority=1),
    Column("overdue", "Overdue", 7),
    Column("soon", "Due soon", 8, priority=2),
    Column("coaches", "Coaches", 7, priority=3),
]
COACH_COLUMNS = [
    Column("name", "Coach", 14, weight=3),
    Column("site", "Site", 10, weight=2, priority=2),
    Column("load", "Teachers", 17, weight=1),
    Column("overdue", "Overdue", 7),
    Column("soon", "Due soon", 8, priority=1),
]


def _due_cells(d: review.DueRow) -> list[str]:
    return [d.name, d.site or "—", d.coach or "(none)", d.due_on, d.why, d.state]


def _site_cells(s: review.SiteRow) -> list[str]:
    return [s.name, str(s.teachers), str(s.with_coach), str(s.joined_recently), str(s.overdue), str(s.due_soon),
            str(s.coaches)]


def today() -> dt.date:
    return dt.date.today()  # one place, so tests can fix the clock


def _pct(part: int, whole: int) -> int:
    # The same rounding as the roster and the report (base.numbers).
    return share(part, whole) or 0


class ReviewScreen(ReloadOnResume, Screen):
    DEFAULT_CSS = """
    ReviewScreen .rv-title { text-style: bold; color: $accent; margin-top: 1; }
    ReviewScreen #rv-summary { color: $foreground; }
    ReviewScreen #rv-due-line, ReviewScreen #rv-focus-sites, ReviewScreen #rv-mastered-line { color: $text-muted; }
    ReviewScreen #rv-mastered { margin: 0 1; }
    ReviewScreen #rv-sites { height: 1fr; }
    ReviewScreen #rv-coaches { height: 1fr; }
    ReviewScreen #rv-tabs, ReviewScreen #rv-tabs ContentSwitcher { height: 1fr; }
    ReviewScreen TabPane { padding: 0 1; height: 1fr; }
    """
    HELP = """\
Leader review

Patterns, never rankings of teachers: lists are by due date or by name,
support levels are never shown here, and private notes are never read.

  1  Coverage: teachers with a coach, joined in the last 14 days,
     overdue and due soon, trust-wide and per site.
  2  Overdue and due soon, by due date (the cadence, how often each
     support level is seen: k on the roster, F2). Someone never seen is
     due from the day they came onto the roster. On a teacher:
       Enter / h  their history     c  reassign their coach (then 1-9)
       j          plan a join for a date (it becomes their date due)
  3  Per site and per coach: load, overdue, due soon. A coach with more
     teachers than the limit (F9, coach load limit) reads "over".
     Teachers with no coach are the row "(no coach)".
  4  Patterns: the agreed focus of joins and the action steps set in the
     last 12 weeks, development areas teachers carry, steps mastered per
     half term, how long coaching cycles take. A count resting on fewer
     than 3 teachers shows as "<3" (the 3 is in F9, settings).

  e       export a report (Markdown, HTML or CSV by the file's extension;
          aggregate unless you tick "names")
  r       read the figures again
"""

    BINDINGS = [
        Binding("h", "history", "History"),
        Binding("c", "coach", "Coach"),
        Binding("j", "join", "Plan"),  # short: "Plan join" cut the footer's Undo at 80 columns
        Binding("e", "export", "Export"),
        Binding("r", "reload", "Reload", show=False),
    ] + [Binding(str(i + 1), f"tab('{t}')", title, show=False)
         for i, (t, title) in enumerate(zip(TABS, TAB_TITLES, strict=True))]
    # The command palette's titles (app.get_system_commands): the words a leader searches for.
    PALETTE_TITLES = {"export": "Export a report (e)", "reload": "Read the figures again (r)",
                      "join": "Plan a join (j)", "history": "Teacher's history (h)",
                      "coach": "Change a teacher's coach (c)"} | {
        f"tab('{t}')": f"{title} ({i + 1})" for i, (t, title) in enumerate(zip(TABS, TAB_TITLES, strict=True))}

    def __init__(self) -> None:
        super().__init__()
        self.data: review.Review | None = None
        self.loads = 0  # loads shown (tests and the benchmark wait on these)
        self.pattern_loads = 0
        self._most_load = 0
        self.due = RowTable(DUE_COLUMNS, _due_cells, empty_text="Nobody is overdue or due soon.", id="rv-due")
        self.sites = RowTable(SITE_COLUMNS, _site_cells, empty_text="No teachers yet.", id="rv-sites")
        self.coaches = RowTable(COACH_COLUMNS, self._coach_cells, empty_text="No coaches yet.", id="rv-coaches")

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="rv-tabs"):
            with TabPane("1 Coverage", id="rv-coverage"):
                with VerticalScroll(id="rv-cov-scroll"):
                    yield Static("Reading…", id="rv-summary", markup=False)
                    yield BarChart(label_width=20, fmt=lambda v: f"{v:g}%", id="rv-cov-bars")
                    yield Static("With a coach, per site", classes="rv-title", markup=False)
                    yield BarChart(fmt=lambda v: f"{v:g}%", id="rv-site-bars")
            with TabPane("2 Overdue & due soon", id="rv-due-tab"):
                yield Static("", id="rv-due-line", markup=False)
                yield self.due
            with TabPane("3 Coaches & sites", id="rv-teams"):
                yield self.sites
                yield self.coaches
            with TabPane("4 Patterns", id="rv-patterns"):
                with VerticalScroll(id="rv-pat-scroll"):
                    yield Static("", id="rv-small", markup=False)
                    yield Static(FOCUS_TITLE, classes="rv-title", id="rv-focus-title", markup=False)
                    yield BarChart(id="rv-focus")
                    yield Static("", id="rv-focus-sites", markup=False)
                    yield Static(STEPS_TITLE, classes="rv-title", id="rv-steps-title", markup=False)
                    yield BarChart(id="rv-steps")
                    yield Static(DEV_TITLE, classes="rv-title", id="rv-dev-title", markup=False)
                    yield BarChart(id="rv-dev")
                    yield Static("Action steps mastered per half term", classes="rv-title", markup=False)
                    yield ColumnChart(id="rv-mastered")
                    yield Static("", id="rv-mastered-line", markup=False)
                    yield Static("Coaching cycles", classes="rv-title", markup=False)
                    yield Static("", id="rv-cycles", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Leader review"
        self.mark_loaded()
        # Read once the frame is painted: a worker reading while the screen is
        # still being laid out fights it for the GIL, and both take longer.
        self.call_after_refresh(self._load, today())

    # --- data -------------------------------------------------------------------

    def refresh_data(self) -> None:
        self.mark_loaded()  # before reading: a write made meanwhile reloads on resume
        self._load(today())

    @work(thread=True, exclusive=True, group="review")
    def _load(self, on_date: dt.date) -> None:
        try:
            data = review.build_core(on_date)
        except UserError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, data)

    @work(thread=True, exclusive=True, group="review-patterns")
    def _load_patterns(self, data: review.Review) -> None:
        try:
            review.add_patterns(data)
        except UserError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show_patterns, data)

    def _failed(self, exc: Exception) -> None:
        self.notify(f"Could not read the review: {exc}", severity="error", markup=False)

    def _show(self, r: review.Review) -> None:
        """The figures first (coverage, who is due, sites, coaches); the
        patterns are read after these are painted, not while."""
        self.data = r
        c = r.coverage
        self.query_one("#rv-summary", Static).update(Text(
            f"{c.teachers} active teachers · {c.coaches} coaches · on {r.on.isoformat()}\n"
            f"{c.with_coach} with a coach · {c.joined_recently} joined in the last {review.JOINED_DAYS} days\n"
            f"{c.overdue} overdue · {c.due_soon} due within {review.cadence.DUE_SOON_DAYS} days (2 to see who)\n"))
        self.query_one("#rv-cov-bars", BarChart).show([
            ("With a coach", _pct(c.with_coach, c.teachers)),
            (f"Joined in {review.JOINED_DAYS} days", _pct(c.joined_recently, c.teachers)),
            ("Overdue", _pct(c.overdue, c.teachers)),
            ("Due soon", _pct(c.due_soon, c.teachers)),
        ], most=100)
        self.query_one("#rv-site-bars", BarChart).show(
            [(s.name, _pct(s.with_coach, s.teachers)) for s in r.sites if s.teachers], most=100)
        self.query_one("#rv-due-line", Static).update(Text(
            f"{c.overdue} overdue · {c.due_soon} due within {review.cadence.DUE_SOON_DAYS} days · by due date"))
        self.due.set_rows(r.due, keep=lambda d: d.staff_id)
        self.sites.set_rows(r.sites, keep=lambda s: s.site_id)
        self._most_load = max((k.load for k in r.coaches), default=0)
        self.coaches.set_rows(r.coaches, keep=lambda k: k.coach_id)
        self.loads += 1
        self._patterns_for = None
        self._want_patterns()

    def _want_patterns(self) -> None:
        """Read the patterns (years of joins) when their tab is shown, once per
        load: most visits to the review never open it, and reading them while
        the first figures are painted slows both."""
        data = getattr(self, "data", None)
        if data is not None and self.tab == "rv-patterns" and self._patterns_for is not data:
            self._patterns_for = data
            self.call_after_refresh(self._load_patterns, data)

    def _coach_cells(self, k: review.CoachRow) -> list[str]:
        # A load over the limit (F9) says so in a word, as the roster's line does.
        over = " over" if k.coach_id and k.load > self.app.config.coach_load_limit else ""
        return [k.name, k.site or "—", f"{k.load:>3} {bar(k.load, self._most_load, 8):<8}{over}", str(k.overdue),
                str(k.due_soon)]

    def _show_patterns(self, raw: review.Review) -> None:
        # Small counts hidden (review.suppress): "<3" with no bar, no site named for fewer than 3.
        below = self.app.config.suppress_below
        r = review.suppress(raw, below, figures=False)
        few = f"<{below}"

        def n(value: int | None) -> int | str:
            return few if value is None else value

        self.query_one("#rv-small", Static).update(Text(
            f"{few}: fewer than {below} teachers, not shown: a small count could point at one person "
            f"(F9, Small counts). Sites are named where {below} or more teachers are.", style="dim"))
        for wid, title, items in (("#rv-focus-title", FOCUS_TITLE, r.focus), ("#rv-steps-title", STEPS_TITLE, r.steps),
                                  ("#rv-dev-title", DEV_TITLE, r.development)):
            self.query_one(wid, Static).update(Text(_of(title, min(TOP, len(items)), len(items))))
        self.query_one("#rv-focus", BarChart).show([(f.label, n(f.count)) for f in r.focus[:TOP]])
        # Where each of the most common focus areas is most common.
        lines = [f"  {f.short}: most at " + ", ".join(
            f"{site} ({count})" for site, count in sorted(f.sites.items(), key=lambda kv: (-kv[1], kv[0]))[:2])
            for f in r.focus[:3] if f.sites]
        self.query_one("#rv-focus-sites", Static).update(Text("\n".join(lines), no_wrap=True, overflow="ellipsis"))
        self.query_one("#rv-steps", BarChart).show([(f.label, n(f.count)) for f in r.steps[:TOP]])
        self.query_one("#rv-dev", BarChart).show([(f.label, n(f.teachers)) for f in r.development[:TOP]])
        # A hidden half term reads "<3" with no bar; 0 reads 0 with no bar.
        self.query_one("#rv-mastered", ColumnChart).show([(h.label, n(h.mastered)) for h in r.mastered])
        if r.mastered:
            first, last = r.mastered[0], r.mastered[-1]
            counts = " ".join(str(n(h.mastered)) for h in r.mastered)
            text = f"{first.label} → {last.label} (so far): {counts}"
        else:
            text = "(none yet)"
        text += "\n" + review.HALF_TERM_RULE
        self.query_one("#rv-mastered-line", Static).update(Text(text))
        cy = r.cycles
        median = few if cy.ended is None else "—" if cy.median_days is None else f"{cy.median_days:g} days"
        self.query_one("#rv-cycles", Static).update(Text(
            f"{n(cy.ended)} ended in the last {review.CYCLE_DAYS} days, median length {median}; {n(cy.open)} open now"))
        self.pattern_loads += 1

    # --- navigation -----------------------------------------------------------------

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active

    def action_tab(self, name: str) -> None:
        # Drop focus first: a focused table in the pane being hidden would pass
        # focus to a sibling, and TabbedContent follows focus back to its pane.
        self.set_focus(None)
        self.query_one(TabbedContent).active = name
        self.query_one({"rv-coverage": "#rv-cov-scroll", "rv-due-tab": "#rv-due", "rv-teams": "#rv-sites",
                        "rv-patterns": "#rv-pat-scroll"}[name]).focus()
        self.refresh_bindings()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()
        self._want_patterns()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("history", "coach", "join"):
            # Hidden elsewhere: a key shown where it does nothing misleads (and crowds the footer).
            return self.is_mounted and self.tab == "rv-due-tab"
        return True

    def _selected(self) -> review.DueRow | None:
        row = self.due.current_row if self.tab == "rv-due-tab" else None
        if row is None:
            self.notify("Choose a teacher in the overdue list first (2).", severity="warning")
        return row

    @on(RowTable.Selected, "#rv-due")
    def _open_row(self) -> None:
        self.action_history()

    # --- actions --------------------------------------------------------------------

    def action_history(self) -> None:
        from coachtui.screens.history import HistoryScreen

        row = self._selected()
        if row is not None:
            self.app.push_screen(HistoryScreen(row.staff_id))

    def action_coach(self) -> None:
        from coachtui.screens.coach_picker import CoachPicker

        row = self._selected()
        if row is None:
            return
        # The picker needs who (id, name), where (site) and the current coach.
        who = SimpleNamespace(id=row.staff_id, name=row.name, site_id=row.site_id, coach_id=row.coach_id)
        self.app.push_screen(CoachPicker(who), self._after_coach)

    @guarded
    def _after_coach(self, result: tuple[str, str | None] | None) -> None:
        if result is None:
            return
        staff_id, coach_id = result
        staff.assign_coach(staff_id, coach_id)
        self.notify("Coach changed (Ctrl+Z to undo).", timeout=3)
        self.refresh_data()

    def action_join(self) -> None:
        """Plan a join for a date (a leader at a desk does not start one)."""
        from coachtui.coaching import cadence
        from coachtui.widgets.form import Field, FormModal, FormSpec

        row = self._selected()
        if row is None:
            return
        tomorrow = (today() + dt.timedelta(days=1)).isoformat()
        spec = FormSpec(f"Plan a join with {row.name}" + (f" ({row.coach})" if row.coach else ""),
                        [Field("on", "Date (YYYY-MM-DD)", replace=True), Field("note", "Note for the coach (optional)")],
                        {"on": tomorrow, "note": ""})
        self.app.push_screen(
            FormModal(spec, lambda v: cadence.plan_join(row.staff_id, v["on"], v["note"], row.coach_id)),
            lambda planned: planned and self._planned(row.name))

    def _planned(self, name: str) -> None:
        self.notify(f"Join planned with {name}: it is their date due now. Ctrl+Z takes it back.", markup=False)
        self.refresh_data()

    def action_export(self) -> None:
        self.app.push_screen(ReportModal())

    def action_reload(self) -> None:
        self.refresh_data()


def _home_as_tilde(path: Path) -> str:
    """The home folder as ~ (typed_path expands it): in a narrow box the path's
    end is shown, and "root/Documents/…" would read as a relative path."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


class NamesBox(Tick, inherit_bindings=False):
    """Tick for a named report. Space toggles; Enter is left to the dialog
    (it writes). The box and its words both change: "no" or "yes", never
    the colour alone."""

    BINDINGS = [Binding("space", "toggle_button", "Names", show=False)]

    def __init__(self, id: str) -> None:
        super().__init__("names: yes (overdue list and coaches named)", False,
                         off_label="names: no (aggregate report)", id=id, compact=True)


class ReportModal(ModalScreen[None]):
    """Ask for a file name, then write the report in a thread worker."""

    HELP = """\
Export a report

Type a file name ending in .md (Markdown), .html or .csv and press Enter.
A .csv name writes one file per table beside it (NAME-coverage.csv,
NAME-sites.csv, ... and NAME-notes.csv), readable by Excel.
Reports are aggregate: counts per site, coach loads without names, patterns;
no teacher names and no note text, and no count below 3 ("fewer than 3";
F9 sets the 3). Space on "names" (Tab to reach it) adds the overdue and
due-soon list with names and the coaches' names.
A file that is there already is replaced only when you press Enter again.
The file is written whole or not at all. Esc closes.
"""
    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "write", "Write", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self._asked: tuple[str, bool] | None = None  # the name and kind the last "replace?" was about

    def compose(self) -> ComposeResult:
        default = export_path(f"coaching-review-{dt.date.today().isoformat()}", ".md")
        with Vertical(id="form"):
            yield Static("Export the leader's review", classes="form-title", markup=False)
            yield Input(_home_as_tilde(default), placeholder="file.md, file.html or file.csv, then Enter", id="rv-path",
                        compact=True, select_on_focus=False)
            yield NamesBox(id="rv-named")
            yield Static("", id="form-error", markup=False)
            yield Static("Enter: write · Tab, Space: names · Esc: close", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#rv-path", Input).focus()

    @on(Input.Changed, "#rv-path")
    @on(Checkbox.Changed, "#rv-named")
    def _changed(self) -> None:
        # "Wrote …" (or "exists: Enter again") was about what the dialog held then.
        self._say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_write()

    def action_write(self) -> None:
        path = typed_path(self.query_one("#rv-path", Input).value)
        if not path:
            return
        named = self.query_one("#rv-named", Checkbox).value
        try:
            files = report.outputs(Path(path).expanduser().absolute(), named)
        except UserError as exc:
            self._say(f"{glyph('error')} {exc}", True)
            return
        there = [f for f in files if f.exists()]
        if there and self._asked != (path, named):
            self._asked = (path, named)
            what = str(there[0]) if len(there) == 1 else f"{len(there)} of its files ({there[0]}, ...)"
            self._say(f"{what} exists: Enter again replaces it, or change the name.", True)
            return
        self._asked = None
        self._say("Writing…")
        self._write(str(files[0].parent / Path(path).name), named)

    @work(thread=True, exclusive=True, group="report")
    def _write(self, path: str, named: bool) -> None:
        try:
            done = report.write_report(path, named=named, below=self.app.config.suppress_below,
                                      limit=self.app.config.coach_load_limit)
        except UserError as exc:
            self.app.call_from_thread(self._say, f"{glyph('error')} {exc}", True)
            return
        self.app.call_from_thread(self._say, f"{glyph('ok')} Wrote {report.said(done)}" + (" (with names)" if named else
                                                                                         " (aggregate)"))

    def _say(self, text: str, error: bool = False) -> None:
        box = self.query_one("#form-error", Static)
        box.update(Text(text))
        box.set_class(error, "error")

    def action_close(self) -> None:
        self.dismiss(None)
