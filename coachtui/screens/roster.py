"""The staff roster: who is on the staff, their coach and support, coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.scalar import Scalar
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from coachtui.base.fuzzy import fuzzy_score, split_query
from coachtui.base.text import plural
from coachtui.roster import staff
from coachtui.roster.staff import LISTED_LEVELS
from coachtui.screens.common import ReloadOnResume, guarded
from coachtui.widgets.inputs import FindBox
from coachtui.widgets.table import Column, RowTable

COLUMNS = [
    Column("name", "Name", 22, weight=4),  # a whole name before Last joined (min: a name's natural width)
    Column("roles", "Role", 4, weight=0, priority=3),
    Column("site", "Site", 9, weight=2, priority=2),
    Column("team", "Team", 8, weight=2),
    Column("support", "Support", 10, weight=1),
    Column("coach", "Coach", 12, weight=3),
    Column("last_joined", "Last joined", 11, weight=0, priority=4),
    Column("next_due", "Next due", 11, weight=0, priority=5),
]
# One coach's teachers: their Coach column says nothing, so it goes first when
# narrow, and Next due (who is due: the coach's question) outlasts Last joined.
ONE_COACH_COLUMNS = [replace(c, priority={"coach": 6, "last_joined": 5, "next_due": 1}.get(c.key, c.priority))
                     for c in COLUMNS]

ROLE_SHORT = {"teacher": "T", "coach": "C", "leader": "L"}
# Rows carry the level as lists show it (formal support reads "structured": staff.LISTED_SUPPORT).
SUPPORT_SHORT = {"none": "—", "support": "support", "structured": "structured"}
SORT_KEYS = {
    "name": lambda r: staff.sort_name(r.name),
    "roles": lambda r: r.role_text,
    "site": lambda r: r.site.casefold(),
    "team": lambda r: r.team.casefold(),
    "support": lambda r: LISTED_LEVELS.index(r.support) if r.support in LISTED_LEVELS else 9,
    "coach": lambda r: staff.sort_name(r.coach) if r.coach else (),
    "last_joined": lambda r: r.last_joined,
    "next_due": lambda r: r.next_due,
}


OVERDUE = "!"  # after a past Next due date: a sign, not a colour (the help and the filter line say what it means)


def cells(row: staff.RosterRow) -> list[str]:
    roles = "".join(ROLE_SHORT.get(r, "?") for r in row.roles)
    name = row.name + ("  (archived)" if row.archived else "")
    due = row.next_due + OVERDUE if row.next_due and row.next_due < dt.date.today().isoformat() else row.next_due
    return [name, roles, row.site, row.team, SUPPORT_SHORT.get(row.support, row.support), row.coach or "—",
            row.last_joined, due]


def filter_lines(filters: staff.Filters, counts: tuple[int, int] | None, width: int) -> list[str]:
    """The filter line in `width` cells. The counts are never cut: the words
    shorten first ("coach: my teachers (…)" becomes "mine (…)"), then the
    counts go to a second line."""
    values = [v for v in filters.labels.values() if v] + (["archived staff"] if filters.archived else [])
    if not values:
        return []
    full = [f"{k}: {v}" for k, v in filters.labels.items() if v] + (["archived staff"] if filters.archived else [])
    short = [v.replace("my teachers", "mine") for v in values]
    long_counts = short_counts = []
    if counts is not None:
        long_counts = [f"{counts[0]} overdue ({OVERDUE})", f"{counts[1]} due this week"]
        short_counts = [f"{counts[0]} overdue", f"{counts[1]} due this week"]
    for line in (" · ".join(["Filters (f): " + full[0]] + full[1:] + long_counts),
                 " · ".join(["Filters (f): " + values[0]] + values[1:] + long_counts),
                 " · ".join(["f: " + short[0]] + short[1:] + short_counts)):
        if cell_len(line) <= width:
            return [line]
    return ["f: " + " · ".join(short)] + ([" · ".join(long_counts)] if long_counts else [])


class RosterScreen(ReloadOnResume, Screen):
    """Every member of staff. Type to filter; arrows to move; keys act on the selected row."""

    HELP = """\
Staff roster

Type in the find box to find people by name, team, site, coach or email
(fuzzy: "jsm" finds "Jane Smith"). Enter or Down moves into the list, and
single letters are commands only there. A letter that is no command starts
a new search, and the letters after it go on into the find box. Coming back
to the roster (from another screen, a form that edits or another place) you
are in the find box, your search kept and selected (typing replaces it) and
the same person chosen: Enter or Down takes you back to them. Closing this
help or a dialog opened from the list (k, c, f) returns to the list, on the
same person.

In the list:
  j           join a lesson with the selected teacher (focus pre-filled)
  h           their history: joins, notes, action steps, targets
  y           their coaching cycle: stages, initial meeting, support level
  k           cadence: how often each support level is seen (trust or school)
  Enter / e   edit the selected person       a   add a member of staff
  c           choose their coach (then 1-9)  x   archive (hide) or restore
  s           strengths and development areas (from the framework)
  D           possible duplicates (same person added twice) and merging
  E           erase a leaver for good, everywhere (GDPR; type their name)
  i           import or update staff from a CSV file (preview first)
  f           filters: site, role, support, coach, archived
  o / O       sort by the next column / reverse the sort (names: by surname)
  /           back to the find box           Esc clear the search
  any other character starts a new search
  Ctrl+Z      undo the last change

A coach's laptop (F9: I am) opens on "my teachers": the filter line says
so and counts who is overdue or due within a week; f then Ctrl+L clears it.
Next due ends in ! when the date has passed (overdue).

Roles: T teacher, C coach, L leader. The coverage line counts active
teachers who have an active coach, and warns when a coach carries more
teachers than the limit in the config (coach_load_limit, default 10).
"""

    BINDINGS = [
        Binding("j", "join", "Join lesson"),
        Binding("h", "history", "History"),
        Binding("y", "cycle", "Cycle"),
        Binding("k", "cadence", "Cadence", show=False),
        # The footer holds the everyday keys (80 cells); F1 and Ctrl+P name them all.
        Binding("a", "add", "Add", show=False),
        Binding("e", "edit", "Edit"),
        Binding("c", "coach", "Coach"),
        Binding("x", "archive", "Archive/restore", show=False),
        Binding("E", "erase", "Erase a leaver for good", show=False),
        Binding("f", "filters", "Filters"),
        Binding("s", "focus_areas", "Strengths/areas", show=False),
        Binding("D", "duplicates", "Duplicates", show=False),
        Binding("i", "import_csv", "Import CSV", show=False),
        Binding("o", "sort(1)", "Sort", show=False),
        Binding("O", "sort(-1)", "Reverse sort", show=False),
        Binding("slash", "focus_filter", "Find", show=False),
        Binding("escape", "clear_filter", "Clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[staff.RosterRow] = []
        self._search_cache: dict[str, list[staff.RosterRow]] = {}
        self.filters = staff.Filters()
        self._me: str | None = None  # whose "my teachers" filter was last put on by default
        self.table = RowTable(COLUMNS, cells, dim=lambda r: r.archived, empty_text="No staff match.", id="roster-table")
        self.table.sort_key = "name"
        self.table.type_ahead = self._search_from_list

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="roster-top"):
            yield Static("Find", id="roster-find-label")
            yield FindBox(self.table, on_change=lambda _: self.apply_filter(),
                          placeholder="type a name, team, site or coach…", id="roster-filter")
            yield Static("", id="roster-count", markup=False)
        yield Static("", id="roster-filters", markup=False)
        yield Static("", id="coverage", markup=False)
        yield self.table
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Staff roster"
        self.reload()
        self.query_one("#roster-filter", Input).focus()

    # --- data -----------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the roster from the store (after any write)."""
        self.mark_loaded()
        self.all_rows = staff.roster_rows(include_archived=True)
        self._search_cache.clear()
        self._my_teachers()
        self.apply_filter()
        self.update_coverage()

    def _my_teachers(self) -> None:
        """On a coach's laptop the roster opens on their teachers, soonest due
        first: put on once for each "I am" (settings), then the user's to clear."""
        me = self.app.config.me
        if me == self._me:
            return
        if self._me and self.filters.coach_id == self._me:
            self.filters = staff.Filters()  # the last default, for someone this laptop no longer is
        self._me = me
        coach = staff.get(me) if me and me != "none" else None
        if coach is not None and "coach" in coach.role_list and not coach.archived:
            self.filters = staff.Filters(coach_id=me, labels={"coach": f"my teachers ({coach.name})"})
            self.table.sort_key, self.table.sort_reverse = "next_due", False

    def update_coverage(self) -> None:
        cov = staff.coverage(self.all_rows, self.app.config.coach_load_limit)
        widget = self.query_one("#coverage", Static)
        widget.update(Text(cov.summary()))
        widget.set_class(bool(cov.overloaded) or cov.with_coach < cov.teachers, "warn")

    def apply_filter(self) -> None:
        query = self.query_one("#roster-filter", Input).value
        words = split_query(query)
        # Matches are cached per query (cleared when the data or filters change).
        # Typing on only extends the query, so only the matches of its longest
        # cached prefix can still match (every word must match, and a longer
        # word's substrings and subsequences are the shorter one's too);
        # backspace finds its answer in the cache.
        if not words:
            rows = self._sorted([r for r in self.all_rows if self.filters.keep(r)])
        else:
            prefix = max((q for q in self._search_cache if q.strip() and query.startswith(q)), key=len, default=None)
            if prefix is None:
                pool = [r for r in self.all_rows if self.filters.keep(r)]
            else:
                pool = self._search_cache[prefix]
            if len(self._search_cache) > 500:
                self._search_cache.clear()
            scored = []
            for r in pool:
                s = fuzzy_score(words, r.haystack)
                if s is not None:
                    scored.append((s, r))
            self._search_cache[query] = [r for _, r in scored]
            if self.table.sort_key == "name" and not self.table.sort_reverse:
                scored.sort(key=lambda p: (p[0], staff.sort_name(p[1].name)))  # best match first
                rows = [r for _, r in scored]
            else:
                rows = self._sorted([r for _, r in scored])
        if not self.all_rows:
            self.table.empty_text = "No staff yet. Press Down then a to add someone, or i to import a CSV."
        else:
            self.table.empty_text = "No staff match. Esc clears the search; Down, then f changes the filters."
        one_coach = bool(self.filters.coach_id) and self.filters.coach_id != "none"
        self.table.columns = ONE_COACH_COLUMNS if one_coach else COLUMNS
        # A new search puts the best match under the cursor (Enter takes it); the
        # same search again (new data, a filter) keeps the person chosen.
        same = query == getattr(self, "_shown_query", None)
        self._shown_query = query
        self.table.set_rows(rows, keep=(lambda r: r.id) if same else None)
        shown = len(rows)
        counted = getattr(self, "_counted", None)  # (rows, archived, total): once per data and filter
        if counted is None or counted[0] is not self.all_rows or counted[1] != self.filters.archived:
            total = sum(1 for r in self.all_rows if r.archived == self.filters.archived)
            self._counted = (self.all_rows, self.filters.archived, total)
        total = self._counted[2]
        # Fixed-size line: no re-layout needed on each keystroke.
        self.query_one("#roster-count", Static).update(f"{shown} of {total}", layout=False)
        self._counts = self._due_counts(rows) if one_coach else None
        self._show_filters()

    def on_resize(self) -> None:
        self._show_filters()

    def _show_filters(self) -> None:
        if not self.is_mounted or not hasattr(self, "_counts"):
            return
        bar = self.query_one("#roster-filters", Static)
        lines = filter_lines(self.filters, self._counts, max(20, self.size.width - 2))
        bar.update(Text("\n".join(lines), no_wrap=True, overflow="ellipsis"), layout=False)
        # Changing display or height re-lays out the screen: only when needed.
        if bar.display != bool(lines):
            bar.display = bool(lines)
        if lines and bar.styles.height != Scalar.from_number(len(lines)):
            bar.styles.height = len(lines)

    @staticmethod
    def _due_counts(rows: list[staff.RosterRow]) -> tuple[int, int]:
        """Who of a coach's teachers is due: (overdue, due within a week)."""
        today = dt.date.today()
        week = (today + dt.timedelta(days=7)).isoformat()
        overdue = sum(1 for r in rows if r.next_due and r.next_due < today.isoformat())
        soon = sum(1 for r in rows if r.next_due and today.isoformat() <= r.next_due <= week)
        return overdue, soon

    def _sorted(self, rows: list[staff.RosterRow]) -> list[staff.RosterRow]:
        key = SORT_KEYS.get(self.table.sort_key or "name", SORT_KEYS["name"])
        rows = sorted(rows, key=lambda r: (key(r), staff.sort_name(r.name)), reverse=self.table.sort_reverse)
        if self.table.sort_key in ("last_joined", "next_due", "coach"):
            # Blanks last whichever way the sort runs.
            rows = [r for r in rows if key(r)] + [r for r in rows if not key(r)]
        return rows

    def _selected(self) -> staff.RosterRow | None:
        """The row under the cursor, or None after telling the user."""
        row = self.table.current_row
        if row is None:
            self.notify("Nobody selected.", severity="warning")
        return row

    # --- events ---------------------------------------------------------------

    def _search_from_list(self, character: str) -> bool:
        """In the list, a character that is not a command starts a new search."""
        box = self.query_one("#roster-filter", Input)
        box.value = character
        box.cursor_position = len(box.value)
        self.set_focus(box)
        return True

    def _dialog(self) -> None:
        """A dialog opened from the list (cadence, coach, filters) or F1 help:
        closing it returns to the list, so the next letter is a command."""
        self._back_to_list = self.focused is self.table

    help_closed = _dialog  # called by the help screen as it closes

    def on_screen_resume(self) -> None:
        super().on_screen_resume()  # re-read what was written meanwhile (a support level, a cadence)
        if self.app.screen is not self:
            return  # a dialog's answer opened the next one (cadence: where, then the days)
        if getattr(self, "_back_to_list", False):
            self._back_to_list = False
            self.set_focus(self.table)
            return
        # Coming back to the roster, typing finds a name: the find box has the
        # keys, the search kept and selected (typing replaces it), the same
        # person chosen; Enter or Down goes back to them for the commands.
        box = self.query_one("#roster-filter", Input)
        if self.focused is not box:
            self.set_focus(box)
        if box.value:
            box.select_all()

    @on(RowTable.Selected, "#roster-table")
    def _open_row(self) -> None:
        self.action_edit()

    @on(RowTable.HeaderClicked, "#roster-table")
    def _header_clicked(self, event: RowTable.HeaderClicked) -> None:
        if self.table.sort_key == event.key:
            self.table.sort_reverse = not self.table.sort_reverse
        else:
            self.table.sort_key, self.table.sort_reverse = event.key, False
        self.apply_filter()

    # --- actions ----------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.query_one("#roster-filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#roster-filter", Input)
        if box.value:
            box.value = ""
        box.focus()

    def action_sort(self, step: int) -> None:
        if step < 0:
            self.table.sort_reverse = not self.table.sort_reverse
        else:
            keys = self.table.visible_columns() or [c.key for c in COLUMNS]
            current = keys.index(self.table.sort_key) if self.table.sort_key in keys else -1
            self.table.sort_key = keys[(current + 1) % len(keys)]
            self.table.sort_reverse = False
        label = next(c.title for c in COLUMNS if c.key == self.table.sort_key)
        self.notify(f"Sorted by {label}{' (reversed)' if self.table.sort_reverse else ''}", timeout=2)
        self.apply_filter()

    def action_add(self) -> None:
        from coachtui.screens.staff_form import StaffForm

        self.app.push_screen(StaffForm(None), self._after_edit)

    def action_edit(self) -> None:
        from coachtui.screens.staff_form import StaffForm

        row = self._selected()
        if row is None:
            return
        self.app.push_screen(StaffForm(row.id), self._after_edit)

    def _after_edit(self, saved_id: str | None) -> None:
        if saved_id:
            self.reload()
            for i, r in enumerate(self.table.rows):
                if r.id == saved_id:
                    self.table.move_to(i)
                    break

    def action_coach(self) -> None:
        from coachtui.screens.coach_picker import CoachPicker

        row = self._selected()
        if row is None:
            return
        self._dialog()
        self.app.push_screen(CoachPicker(row), self._after_coach)

    @guarded
    def _after_coach(self, result: tuple[str, str | None] | None) -> None:
        if result is None:
            return
        staff_id, coach_id = result
        staff.assign_coach(staff_id, coach_id)
        self.notify("Coach changed (Ctrl+Z to undo).", timeout=3)
        self.reload()

    @guarded
    def action_archive(self) -> None:
        row = self._selected()
        if row is None:
            return
        try:
            if row.archived:
                name = staff.restore(row.id)
                self.notify(f"Restored {name}.", timeout=3, markup=False)
            else:
                name = staff.archive(row.id)
                self.notify(f"Archived {name}: hidden, not lost (Ctrl+Z to undo, f to see archived).", timeout=4,
                            markup=False)
        finally:
            self.reload()

    def action_erase(self) -> None:
        from coachtui.screens.erase_form import EraseForm

        row = self._selected()
        if row is None:
            return
        self.app.push_screen(EraseForm(row.id, row.name, self.app.ctx.paths.data_dir), self._after_erase)

    def _after_erase(self, done) -> None:
        if done is None:
            return
        self.notify(f"Erased {done.name} and {plural(sum(done.rows.values()) - 1, 'record')} about them. "
                    "Sync to carry the erasure to the other laptops.", timeout=8, markup=False)
        self.reload()

    def action_join(self) -> None:
        from coachtui.screens.join_setup import JoinSetup

        row = self._selected()
        if row is None:
            return
        self.app.push_screen(JoinSetup(row.id), self._after_setup)

    def _after_setup(self, join_id: str | None) -> None:
        from coachtui.screens.join import JoinScreen

        if join_id:
            self.app.push_screen(JoinScreen(join_id))

    def action_history(self) -> None:
        from coachtui.screens.history import HistoryScreen

        row = self._selected()
        if row is None:
            return
        self.app.push_screen(HistoryScreen(row.id))

    def action_cadence(self) -> None:
        from coachtui.screens.cadence_form import edit_cadence

        self._dialog()
        edit_cadence(self)

    def action_cycle(self) -> None:
        from coachtui.screens.cycle import CycleScreen

        row = self._selected()
        if row is not None:
            self.app.push_screen(CycleScreen(row.id))

    def action_focus_areas(self) -> None:
        from coachtui.screens.focus_areas import FocusAreas

        row = self._selected()
        if row is None:
            return
        self.app.push_screen(FocusAreas(row.id, row.name))

    def action_duplicates(self) -> None:
        from coachtui.screens.duplicates import DuplicatesScreen

        self.app.push_screen(DuplicatesScreen(), lambda merged: merged and self.reload())

    def action_import_csv(self) -> None:
        from coachtui.screens.roster_import import RosterImport

        self.app.push_screen(RosterImport(), lambda imported: imported and self.reload())

    def action_filters(self) -> None:
        from coachtui.screens.roster_filters import FilterForm

        self._dialog()
        self.app.push_screen(FilterForm(self.filters), self._after_filters)

    def _after_filters(self, filters: staff.Filters | None) -> None:
        if filters is not None:
            if self.filters.coach_id and not filters.coach_id and self.table.sort_key == "next_due":
                # "My teachers" sorted by Next due (off-screen when narrow): the
                # whole roster goes back to its own order, by name.
                self.table.sort_key, self.table.sort_reverse = "name", False
            self.filters = filters
            self._search_cache.clear()
            self.apply_filter()

    def refresh_data(self) -> None:
        """Called by the app after an undo or an import."""
        self.reload()
