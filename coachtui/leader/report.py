"""The leader's review as a file: Markdown, HTML or CSV, chosen by extension.

Aggregate by default: no teacher names, no coach names (coach loads are
shown as a distribution), no note or feedback text, no support levels, no
team breakdowns. `named=True` adds the overdue and due-soon list with names
(and its reason, never a support level) and names the coaches.

CSV is one file: one block per section, each block starting with its own
header row whose first cell is "section", the rows of the block carrying the
section's key in that first column, blank lines between blocks (filter on
the first column in a spreadsheet). Written as FILE.partial then renamed, so
a full disk or a crash never leaves half a report under the real name.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from dataclasses import dataclass
from pathlib import Path

from coachtui.base.atomic_write import target, write_text
from coachtui.base.errors import UserError
from coachtui.base.text import strip_bidi
from coachtui.leader import review as rv
from coachtui.store import db as store_db

FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".csv": "csv"}


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list[object]]
    note: str = ""


def _top(counts: dict[str, int], n: int = 3) -> str:
    best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:n]
    return ", ".join(f"{k} ({v})" for k, v in best)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part // whole}%" if whole else "n/a"


def sections(r: rv.Review, named: bool = False) -> list[Section]:
    c = r.coverage
    out = [
        Section("coverage", "Coverage", ["Measure", "Count", "Share"], [
            ["Active teachers", c.teachers, ""],
            ["With a coach", c.with_coach, _pct(c.with_coach, c.teachers)],
            [f"Joined in the last {rv.JOINED_DAYS} days", c.joined_recently, _pct(c.joined_recently, c.teachers)],
            ["Overdue", c.overdue, _pct(c.overdue, c.teachers)],
            [f"Due within {rv.cadence.DUE_SOON_DAYS} days", c.due_soon, _pct(c.due_soon, c.teachers)],
            ["Coaches", c.coaches, ""],
        ]),
        Section("sites", "Per site", ["Site", "Teachers", "With a coach", f"Joined {rv.JOINED_DAYS}d", "Overdue",
                                      "Due soon", "Coaches"],
                [[s.name, s.teachers, s.with_coach, s.joined_recently, s.overdue, s.due_soon, s.coaches]
                 for s in r.sites]),
    ]
    if named:
        out.append(Section("coaches", "Per coach", ["Coach", "Site", "Teachers coached", "Overdue", "Due soon"],
                           [[k.name, k.site, k.load, k.overdue, k.due_soon] for k in r.coaches]))
    else:
        loads = sorted(r.coaches, key=lambda k: (-k.load, -k.overdue, -k.due_soon))
        out.append(Section("coaches", "Coach loads (not named)", ["Coach", "Teachers coached", "Overdue", "Due soon"],
                           [[f"coach {n}", k.load, k.overdue, k.due_soon] for n, k in enumerate(loads, 1)],
                           "Heaviest load first; names only in a named report (--named)."))
    out += [
        Section("focus", f"Agreed focus of joins, last {rv.PATTERN_WEEKS} weeks", ["Focus", "Joins", "Teachers",
                                                                                   "Most at"],
                [[f.label, f.count, f.teachers, _top(f.sites)] for f in r.focus]),
        Section("development", "Development areas teachers carry now", ["Area", "Teachers", "Most at"],
                [[f.label, f.teachers, _top(f.sites)] for f in r.development]),
        Section("steps", f"Action steps set, last {rv.PATTERN_WEEKS} weeks", ["Step", "Steps", "Teachers", "Most at"],
                [[f.label, f.count, f.teachers, _top(f.sites)] for f in r.steps]),
        Section("mastered", "Action steps mastered per half term", ["Half term", "From", "Mastered"],
                [[h.label, h.start, h.mastered] for h in r.mastered],
                "Half terms by month: Sep-Oct, Nov-Dec, Jan-Feb, Mar, Apr-May, Jun-Aug."),
        Section("cycles", f"Coaching cycles (ended in the last {rv.CYCLE_DAYS} days)", ["Measure", "Value"], [
            ["Cycles ended", r.cycles.ended],
            ["Median length (days)", "n/a" if r.cycles.median_days is None else f"{r.cycles.median_days:g}"],
            ["Open now", r.cycles.open],
        ]),
    ]
    if named:
        out.append(Section("due", "Overdue and due soon (named)", ["Teacher", "Site", "Team", "Coach", "Due", "Why",
                                                                   "Last joined", "State"],
                           [[d.name, d.site, d.team, d.coach or "(none)", d.due_on, d.why, d.last_joined or "never",
                             d.state] for d in r.due],
                           "By due date. Support levels are never listed beside names."))
    return _as_text(out)


def _as_text(sections: list[Section]) -> list[Section]:
    """Names and other stored text lose bidi controls (stored before cleaning
    dropped them, or by an older laptop): a report reads as it holds."""
    for s in sections:
        s.rows = [[strip_bidi(v) if isinstance(v, str) else v for v in row] for row in s.rows]
    return sections


def _title(r: rv.Review, named: bool) -> str:
    return f"Coaching review, {r.on.isoformat()}" + (" (named)" if named else " (aggregate)")


# Names are text, not Markdown: HTML is written as entities (a name such as
# <script>…</script> must not become markup in a viewer), and what would
# format, link or end a table cell is backslash-escaped.
_MD_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "\\\\", "|": "\\|", "`": "\\`",
                             "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "~": "\\~"})


def _md_cell(value: object) -> str:
    text = " ".join(str(value).split())
    return text.translate(_MD_ESCAPES) or " "


def to_markdown(r: rv.Review, named: bool = False) -> str:
    lines = [f"# {_md_cell(_title(r, named))}", ""]
    for s in sections(r, named):
        lines += [f"## {_md_cell(s.title)}", ""]
        if s.note:
            lines += [_md_cell(s.note), ""]
        if not s.rows:
            lines += ["(none)", ""]
            continue
        lines.append("| " + " | ".join(_md_cell(c) for c in s.columns) + " |")
        lines.append("|" + "|".join("---" for _ in s.columns) + "|")
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in s.rows]
        lines.append("")
    return "\n".join(lines)


def to_html(r: rv.Review, named: bool = False) -> str:
    e = html.escape
    title = e(_title(r, named))
    parts = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">', f"<title>{title}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left}"
             "</style></head><body>", f"<h1>{title}</h1>"]
    for s in sections(r, named):
        parts.append(f'<h2 id="{e(s.key)}">{e(s.title)}</h2>')
        if s.note:
            parts.append(f"<p>{e(s.note)}</p>")
        if not s.rows:
            parts.append("<p>(none)</p>")
            continue
        parts.append("<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in s.columns) + "</tr></thead><tbody>")
        parts += ["<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in s.rows]
        parts.append("</tbody></table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def to_csv(r: rv.Review, named: bool = False) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    for n, s in enumerate(sections(r, named)):
        if n:
            out.writerow([])
        out.writerow(["section", *s.columns])
        out.writerows([s.key, *(_csv_safe(v) for v in row)] for row in s.rows)
    return buf.getvalue()


def _csv_safe(value: object) -> object:
    # A cell starting with = + - @ is run as a formula by spreadsheets: quote it as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


RENDER = {"md": to_markdown, "html": to_html, "csv": to_csv}


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"{Path(path).name}: give a .md, .html or .csv file name (the extension picks the format)")
    return FORMATS[suffix]


@store_db.reading()
def write_report(path: str | Path, named: bool = False, on: dt.date | None = None) -> str:
    """Write the report; returns the path written. UserError (one line) on a
    bad name or a failed write, and then nothing is left behind."""
    p = Path(path).expanduser()
    kind = format_for(p)
    target(p)
    write_text(p, RENDER[kind](rv.build(on), named))
    return str(p)
