"""The leader's review as a file: Markdown, HTML or CSV, chosen by extension.

Aggregate by default: no teacher names, no coach names (coach loads are
shown as a distribution), no note or feedback text, no support levels, no
team breakdowns, and no count resting on fewer than `below` people (default
3: "fewer than 3"; review.suppress). `named=True` adds the overdue and
due-soon list with names (and its reason, never a support level) and names
the coaches; its coverage, site and coach figures are then exact, as on the
leader's screen, and its patterns still hide small counts.

CSV is one file per table, beside the name given: NAME-coverage.csv,
NAME-sites.csv, ... and NAME-notes.csv (what each table is, and the note on
small counts), each with one header row, in UTF-8 with a byte order mark so
that Excel reads "Ciarán" as written. Every file is written as FILE.partial
then renamed, so a full disk or a crash never leaves half a report under
the real name.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from dataclasses import dataclass
from pathlib import Path

from coachtui.base.atomic_write import target, write_text, write_texts
from coachtui.base.config import Config
from coachtui.base.errors import UserError
from coachtui.base.numbers import percent
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


def _pct(part: int | None, whole: int | None) -> str:
    if not isinstance(part, int) or not isinstance(whole, int):
        return ""  # a hidden count has no share either
    return percent(part, whole)


def fewer_than(below: int) -> str:
    return f"fewer than {below}"


def about_small_counts(below: int, named: bool) -> str:
    where = "In the patterns, a count" if named else "A count"
    return (f"{where} resting on 1 to {below - 1} people is shown as \"{fewer_than(below)}\", as published school "
            f"statistics do: in a small school a small count beside a site could point at one person. A site is "
            f"named beside a pattern only where at least {below} of its teachers are. \"{rv.WITHHELD}\": a count not "
            f"shown because, with its total, it would let a hidden one be worked out.")


LOAD_LIMIT = Config.coach_load_limit  # when no limit is given


def about_load_limit(limit: int) -> str:
    return f"A coach with more than {limit} teachers (the coach load limit, F9) is marked \"over\"."


def about_date(r: rv.Review, today: dt.date | None = None) -> str:
    """On a past date, what is as it was then and what is today's (the store keeps no history of it)."""
    if r.on >= (today or dt.date.today()):
        return ""
    return (f"Figures as of {r.on.isoformat()}: joins, feedback, cycle meetings, planned joins, support levels "
            f"and action steps as they were then. Who is on the roster (and archived), their site, team and "
            f"coach, and the development areas they carry are today's: the store keeps no history of them.")


def sections(r: rv.Review, named: bool = False, below: int = rv.SUPPRESS_BELOW,
             limit: int = LOAD_LIMIT) -> list[Section]:
    r = rv.suppress(r, below, figures=not named)

    def over(k: rv.CoachRow) -> str:
        # Only on a load that is shown: "over" beside a hidden load would bound it.
        return "over" if k.coach_id and isinstance(k.load, int) and k.load > limit else ""

    few = fewer_than(below)

    def n(value: int | None) -> int | str:
        return few if value is None else value

    c = r.coverage
    out = [
        Section("coverage", "Coverage", ["Measure", "Count", "Share"], [
            ["Active teachers", n(c.teachers), ""],
            ["With a coach", n(c.with_coach), _pct(c.with_coach, c.teachers)],
            [f"Joined in the last {rv.JOINED_DAYS} days", n(c.joined_recently), _pct(c.joined_recently, c.teachers)],
            ["Overdue", n(c.overdue), _pct(c.overdue, c.teachers)],
            [f"Due within {rv.cadence.DUE_SOON_DAYS} days", n(c.due_soon), _pct(c.due_soon, c.teachers)],
            ["Coaches", n(c.coaches), ""],
        ]),
        Section("sites", "Per site", ["Site", "Teachers", "With a coach", f"Joined {rv.JOINED_DAYS}d", "Overdue",
                                      "Due soon", "Coaches"],
                [[s.name, n(s.teachers), n(s.with_coach), n(s.joined_recently), n(s.overdue), n(s.due_soon),
                  n(s.coaches)] for s in r.sites]),
    ]
    no_coach = "" if all(k.coach_id for k in r.coaches) else (
        " Teachers with no coach are the last row, (no coach), so the columns add up to the totals.")
    if named:
        out.append(Section("coaches", f"Per coach (load limit {limit})",
                           ["Coach", "Site", "Teachers coached", "Load", "Overdue", "Due soon"],
                           [[k.name, k.site, k.load, over(k), k.overdue, k.due_soon] for k in r.coaches],
                           about_load_limit(limit) + no_coach))
    else:
        # Hidden counts sort as 0: where a coach sat would tell them.
        coaches = [k for k in r.coaches if k.coach_id]
        loads = sorted(coaches, key=lambda k: tuple(-v if isinstance(v, int) else 0
                                                    for v in (k.load, k.overdue, k.due_soon)))
        loads += [k for k in r.coaches if not k.coach_id]
        out.append(Section("coaches", f"Coach loads (not named; load limit {limit})",
                           ["Coach", "Teachers coached", "Load", "Overdue", "Due soon"],
                           [[f"coach {i}" if k.coach_id else k.name, n(k.load), over(k), n(k.overdue),
                             n(k.due_soon)] for i, k in enumerate(loads, 1)],
                           "Heaviest load first; names only in a named report (--named). "
                           + about_load_limit(limit) + no_coach))
    cy = r.cycles
    median = few if cy.ended is None else "n/a" if cy.median_days is None else f"{cy.median_days:g}"
    out += [
        Section("focus", f"Agreed focus of joins, last {rv.PATTERN_WEEKS} weeks", ["Focus", "Joins", "Teachers",
                                                                                   "Most at"],
                [[f.label, n(f.count), n(f.teachers), _top(f.sites)] for f in r.focus]),
        Section("development", "Development areas teachers carry now", ["Area", "Teachers", "Most at"],
                [[f.label, n(f.teachers), _top(f.sites)] for f in r.development]),
        Section("steps", f"Action steps set, last {rv.PATTERN_WEEKS} weeks", ["Step", "Steps", "Teachers", "Most at"],
                [[f.label, n(f.count), n(f.teachers), _top(f.sites)] for f in r.steps]),
        Section("mastered", "Action steps mastered per half term", ["Half term", "Months", "From", "Mastered"],
                [[h.label, rv.half_months(h.label), h.start, n(h.mastered)] for h in r.mastered],
                rv.HALF_TERM_RULE),
        Section("cycles", f"Coaching cycles (ended in the last {rv.CYCLE_DAYS} days)", ["Measure", "Value"], [
            ["Cycles ended", n(cy.ended)],
            ["Median length (days)", median],
            ["Open now", n(cy.open)],
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


def to_markdown(r: rv.Review, named: bool = False, below: int = rv.SUPPRESS_BELOW,
                limit: int = LOAD_LIMIT) -> str:
    lines = [f"# {_md_cell(_title(r, named))}", "", _md_cell(about_small_counts(below, named)), ""]
    if about_date(r):
        lines += [_md_cell(about_date(r)), ""]
    for s in sections(r, named, below, limit):
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


def to_html(r: rv.Review, named: bool = False, below: int = rv.SUPPRESS_BELOW,
            limit: int = LOAD_LIMIT) -> str:
    e = html.escape
    title = e(_title(r, named))
    parts = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">', f"<title>{title}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left}"
             "</style></head><body>", f"<h1>{title}</h1>", f"<p>{e(about_small_counts(below, named))}</p>"]
    if about_date(r):
        parts.append(f"<p>{e(about_date(r))}</p>")
    for s in sections(r, named, below, limit):
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


BOM = "\ufeff"  # Excel takes a CSV without it for the local code page, and garbles "Ciarán"


def _csv_text(columns: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(columns)
    out.writerows([_csv_safe(v) for v in row] for row in rows)
    return BOM + buf.getvalue()


def to_csv(r: rv.Review, named: bool = False, below: int = rv.SUPPRESS_BELOW,
           limit: int = LOAD_LIMIT) -> dict[str, str]:
    """{table key: CSV text}, one table each, and "notes": what each table is."""
    out: dict[str, str] = {}
    notes = [["(all)", _title(r, named), " ".join(filter(None, (about_small_counts(below, named), about_date(r))))]]
    for s in sections(r, named, below, limit):
        out[s.key] = _csv_text(s.columns, s.rows)
        notes.append([f"{s.key}", s.title, s.note])
    out["notes"] = _csv_text(["Table", "Title", "Note"], notes)
    return out


def csv_keys(named: bool) -> list[str]:
    keys = ["coverage", "sites", "coaches", "focus", "development", "steps", "mastered", "cycles"]
    return keys + (["due"] if named else []) + ["notes"]


def outputs(path: str | Path, named: bool = False) -> list[Path]:
    """The files a report to `path` writes: `path` itself, or for .csv one
    file per table beside it (NAME-coverage.csv, ...)."""
    p = Path(path).expanduser()
    if format_for(p) != "csv":
        return [p]
    return [p.with_name(f"{p.stem}-{key}{p.suffix}") for key in csv_keys(named)]


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


class Written(list):
    """The files a report wrote, and `removed`: an earlier export's files of
    the same CSV set that this one does not write (its named tables)."""

    removed: list[Path]

    def __init__(self, files, removed=()):
        super().__init__(files)
        self.removed = list(removed)


@store_db.reading()
def write_report(path: str | Path, named: bool = False, on: dt.date | None = None,
                 below: int = rv.SUPPRESS_BELOW, limit: int = LOAD_LIMIT) -> Written:
    """Write the report (counts resting on fewer than `below` people hidden);
    returns the files written (one, or one per table for CSV). UserError (one
    line) on a bad name or a failed write, and then nothing is left behind.
    A CSV set written again without names removes its old named tables
    (NAME-due.csv names teachers): only files of that set's exact names."""
    p = Path(path).expanduser()
    kind = format_for(p)
    files = outputs(p, named)
    for f in files:
        target(f)
    rendered = RENDER[kind](rv.build(on), named, below, limit)
    if kind != "csv":
        return Written([write_text(p, rendered)])
    assert list(rendered) == csv_keys(named), "csv_keys lists every table"
    done = write_texts(dict(zip(files, rendered.values(), strict=True)))
    removed = []
    for old in set(outputs(p, True)) - set(files):
        try:
            old.unlink()
            removed.append(old)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise UserError(f"wrote the report, but could not remove the old {old} ({exc.strerror}): "
                            "remove it by hand, it names teachers") from None
    return Written(done, sorted(removed))


def said(files: list[Path]) -> str:
    """What was written, for a person: the full path, or the folder and the
    names; and any old file of the set removed."""
    text = str(files[0]) if len(files) == 1 else \
        f"{len(files)} files in {files[0].parent}: " + ", ".join(f.name for f in files)
    removed = getattr(files, "removed", [])
    if removed:
        text += "; removed the earlier export's " + ", ".join(f.name for f in removed) + " (it had names)"
    return text
