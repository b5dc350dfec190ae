"""A past join's own page: the agreed focus, every note with its time and
kind, the tallies as a timeline over the lesson, and the feedback. What a
coach reads before the next join with the same teacher."""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from coachtui.lessons import join_record, joins
from coachtui.lessons.join_record import JoinRecord
from coachtui.screens.common import ReloadOnResume, guarded
from coachtui.widgets.form import PickModal

PRIVATE = "🔒 PRIVATE · "  # as the join screen marks a private note: a word as well as a sign


class TallyTimeline(Widget):
    """One row per tally: its label, how many, and a mark per slice of the
    lesson (· none, 1-9 presses, + ten or more); an axis in minutes under it.
    Drawn for the width it has: a slice is as many whole minutes as fit."""

    DEFAULT_CSS = "TallyTimeline { height: auto; }"

    def __init__(self, record: JoinRecord | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.record = record

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.record.tallies) + 1 if self.record and self.record.tallies else 1

    def render(self) -> Text:
        if self.record is None:
            return Text("")
        return self.timeline(self.record, self.content_region.width or self.size.width)

    @staticmethod
    def slicing(rec: JoinRecord, cells: int) -> tuple[int, int]:
        """(slices, minutes per slice) for a lesson drawn in at most `cells` marks."""
        last = max([rec.elapsed] + [t for tl in rec.tallies for t in tl.times] + [60])
        minutes = -(-last // 60)
        per = -(-minutes // max(1, cells))
        return -(-minutes // per), per

    @classmethod
    def timeline(cls, rec: JoinRecord, width: int) -> Text:
        if not rec.tallies:
            return Text("Nothing was counted in this join.", style="dim")
        counts = [len(t.times) for t in rec.tallies]
        label_w = min(max(len(t.label) for t in rec.tallies), max(10, width // 3))
        count_w = len(str(max(counts)))
        slices, per = cls.slicing(rec, max(5, width - label_w - count_w - 2))
        out = Text(no_wrap=True, overflow="crop")
        for t, n in zip(rec.tallies, counts, strict=True):
            label = t.label if len(t.label) <= label_w else t.label[: label_w - 1] + "…"
            out.append(f"{label:<{label_w}} {n:>{count_w}} ")
            out.append(join_record.marks(join_record.buckets(t.times, slices * per * 60, slices)))
            out.append("\n")
        end = f"{slices * per} min"
        axis = "0" + end.rjust(max(len(end) + 1, slices - 1))  # under the first mark and ending at the last
        out.append(" " * (label_w + count_w + 2) + axis, style="dim")
        return out


class JoinPage(ReloadOnResume, Screen):
    DEFAULT_CSS = """
    JoinPage #jp-body { height: 1fr; }
    JoinPage .jp-line, JoinPage .jp-block { height: auto; padding: 0 1; }
    JoinPage .jp-title { height: auto; padding: 0 1; margin-top: 1; color: $accent; text-style: bold; }
    """
    HELP = """\
A past join

Everything from one join: who and when, the agreed focus and its success
criteria, every note with its time into the lesson (mm:ss) and its kind,
what was counted as a timeline over the lesson, and the feedback.

Private notes and feedback fields show "🔒 PRIVATE ·": they never leave
this laptop and never go into the teacher's summary.

The tally timeline: one row per thing counted, how many in all, then one
mark per slice of the lesson (the line under it says how long a slice is):
· nothing, 1-9 presses, + ten or more.

  f             the feedback (open it to write or change it)
  p             make one of the notes private (it is wiped from the other
                laptops that have it; Ctrl+Z takes it back)
  Up/Down, PgUp/PgDn, Home/End   scroll
  Esc           back
"""
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("f", "feedback", "Feedback"),
        Binding("p", "private", "Make a note private"),
    ]

    def __init__(self, join_id: str) -> None:
        super().__init__()
        self.join_id = join_id
        self.record: JoinRecord | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="page-title", markup=False)
        with VerticalScroll(id="jp-body"):
            yield Static("", id="jp-head", classes="jp-line")
            yield Static("", id="jp-focus", classes="jp-line")
            yield Static("", id="jp-notes-title", classes="jp-title")
            yield Static("", id="jp-notes", classes="jp-block")
            yield Static("", id="jp-tallies-title", classes="jp-title")
            yield TallyTimeline(None, id="jp-tallies", classes="jp-block")
            yield Static("", id="jp-feedback-title", classes="jp-title")
            yield Static("", id="jp-feedback", classes="jp-block")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "A past join"
        self.refresh_data()
        self.query_one("#jp-body").focus()

    def refresh_data(self) -> None:
        self.mark_loaded()
        rec = self.record = join_record.record(self.join_id)
        body = self.query_one("#jp-body", VerticalScroll)
        body.display = rec is not None
        if rec is None:
            self.query_one("#page-title", Static).update(Text("This join is no longer here (undone, or merged)."))
            return
        self.query_one("#page-title", Static).update(Text(f"Join: {rec.teacher} · {rec.started}"))
        for wid, content in self._sections(rec).items():
            self.query_one(f"#{wid}", Static).update(content)
        timeline = self.query_one(TallyTimeline)
        timeline.record = rec
        timeline.refresh(layout=True)

    def _sections(self, rec: JoinRecord) -> dict:
        length = f"{joins.fmt(rec.elapsed)} of {rec.planned // 60} min" if rec.ended else \
            f"still running ({joins.fmt(rec.elapsed)} so far)"
        where = " · ".join(x for x in (rec.group and f"class {rec.group}", rec.room and f"room {rec.room}") if x)
        focus_line = Text("Focus: ", style="bold")
        focus_line.append(rec.focus or "none agreed")
        focus = Group(focus_line, *(Padding(Text(f"- {c}", style="dim"), (0, 0, 0, 2)) for c in rec.criteria))
        if rec.notes:
            notes = Table.grid(padding=(0, 1), expand=True)
            notes.add_column(no_wrap=True)
            notes.add_column(no_wrap=True)
            notes.add_column(ratio=1, overflow="fold")
            for n in rec.notes:
                notes.add_row(Text(n.time), Text(n.kind, style="dim"), Text(PRIVATE + n.text if n.private else n.text))
        else:
            notes = Text("No notes were typed in this join.", style="dim")
        legend = ": a mark per slice of time (· none, 1-9 presses, + ten or more)" if rec.tallies else ""
        fb = []  # each field's label, then its words indented (wrapped lines too)
        for f in rec.feedback:
            fb += [Text(f.label, style="bold"), Padding(Text((PRIVATE if f.private else "") + f.text), (0, 0, 0, 2))]
        if rec.has_feedback and not rec.feedback:
            fb.append(Text("Saved with every field empty.", style="dim"))
        return {
            "jp-head": Text(f"Coach: {rec.coach or 'not recorded'} · {length}" + (f" · {where}" if where else "")),
            "jp-focus": focus,
            "jp-notes-title": Text(f"Notes ({len(rec.notes)})"),
            "jp-notes": notes,
            "jp-tallies-title": Text(f"Tallies over the lesson{legend}"),
            "jp-feedback-title": Text("Feedback" + ("" if rec.has_feedback else ": none yet (f writes it)")),
            "jp-feedback": Group(*fb),
        }

    def action_close(self) -> None:
        self.dismiss()

    def action_feedback(self) -> None:
        from coachtui.screens.feedback import FeedbackScreen

        if self.record is None:
            return
        if not self.record.ended:
            self.notify("That join has not ended: its feedback comes after.", severity="warning", markup=False)
            return
        self.app.push_screen(FeedbackScreen(self.join_id))

    def action_private(self) -> None:
        rec = self.record
        if rec is None:
            return
        shared = [n for n in rec.notes if not n.private]
        items = [(f"{n.time} {n.kind} · {n.text.splitlines()[0] if n.text else ''}", n.id) for n in shared]
        self.app.push_screen(PickModal("Make which note private?", items,
                                       "Every note of this join is private already."), self._make_private)

    @guarded
    def _make_private(self, note_id: str | None) -> None:
        if not note_id:
            return
        text = next((n.text for n in self.record.notes if n.id == note_id), "") if self.record else ""
        join_record.make_private(note_id)
        if join_record.in_shared_feedback(self.join_id, text):
            self.notify("Made private. The saved feedback still holds those words in a shared field: f to change it.",
                        severity="warning", timeout=8, markup=False)
        else:
            self.notify("Made private: it stays on this laptop (Ctrl+Z takes it back).", markup=False)
        self.refresh_data()
