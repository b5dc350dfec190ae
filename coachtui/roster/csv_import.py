"""Roster import from the staff CSV exports schools actually have.

Header names are matched loosely ("Forename", "First name", "Given name"...),
the file may be UTF-8 (with or without BOM) or Excel's Windows-1252, comma,
semicolon or tab separated. Re-importing updates people instead of
duplicating them: matched by MIS id, then email, then name and site.
The whole file goes in as one transaction and one undo step, or not at all.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from coachtui.base.errors import UserError
from coachtui.base.text import plural
from coachtui.base.user_files import read_bytes
from coachtui.roster import staff
from coachtui.store import write as w
from coachtui.store.models import Staff, derived_id

MAX_BYTES = 20_000_000
MAX_ROWS = 50_000

# Canonical field -> header spellings (compared with case, spaces and punctuation removed).
HEADERS = {
    "first": ["first name", "firstname", "forename", "forenames", "given name", "preferred name", "preferred forename",
              "legal forename", "first"],
    "last": ["last name", "lastname", "surname", "family name", "preferred surname", "legal surname", "last"],
    "name": ["name", "full name", "fullname", "staff name", "display name", "teacher", "teacher name", "staff member"],
    "email": ["email", "e mail", "email address", "work email", "school email", "e mail address", "staff email"],
    "roles": ["role", "roles", "job title", "jobtitle", "position", "post", "job role", "staff role"],
    "site": ["site", "school", "campus", "school name", "establishment", "academy"],
    "team": ["team", "department", "dept", "faculty", "year group", "subject", "phase", "key stage"],
    "support": ["support", "support level", "coaching support"],
    "coach": ["coach", "coach name", "coach email", "instructional coach", "mentor"],
    "external_id": ["staff id", "staffid", "mis id", "employee number", "employee id", "payroll number", "staff code",
                    "id", "upn", "staff number"],
}
_LOOKUP = {re.sub(r"[^a-z0-9]", "", h): key for key, hs in HEADERS.items() for h in hs}

SUPPORT_WORDS = {"": None, "none": "none", "no": "none", "support": "support", "structured": "structured",
                 "structured support": "structured", "formal": "formal", "formal support": "formal"}


class CsvError(UserError):
    """The file cannot be imported at all; nothing changed."""


@dataclass
class Report:
    path: str
    created: list[tuple[int, str]] = field(default_factory=list)
    updated: list[tuple[int, str]] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    applied: bool = False

    def summary(self) -> str:
        verb = "imported" if self.applied else "would import"
        return (f"{Path(self.path).name}: {verb} {len(self.created)} new, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped, {plural(len(self.warnings), 'warning')}")

    def lines(self) -> list[str]:
        out = [f"line {n}: skipped: {why}" for n, why in self.skipped]
        out += [f"line {n}: {why}" for n, why in self.warnings]
        return sorted(out, key=lambda s: int(s.split(":")[0].split()[1]))


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def read_rows(path: str | Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Decode and parse; returns (canonical columns found, [(line number, {field: value})])."""
    p = Path(path)
    raw = read_bytes(p, what="a staff list (CSV)", limit=MAX_BYTES, error=CsvError)
    if not raw.strip():
        raise CsvError(f"{p.name} is empty")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text": UTF-16 with a BOM, tab separated.
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise CsvError(f"{p.name} is not a CSV file (it is not valid UTF-16 text)") from None
        if "\x00" in text:
            raise CsvError(f"{p.name} is not a CSV file (it looks binary; save the sheet as CSV first)")
    elif b"\x00" in raw[:4096]:
        raise CsvError(f"{p.name} is not a CSV file (it looks binary; save the sheet as CSV first)")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise CsvError(f"{p.name} has no header row") from exc
    columns: dict[int, str] = {}
    for i, h in enumerate(header):
        key = _LOOKUP.get(_norm(h))
        if key and key not in columns.values():
            columns[i] = key
    found = list(columns.values())
    if "name" not in found and not ({"first", "last"} & set(found)):
        shown = ", ".join(repr(h) for h in header[:6])
        raise CsvError(f"{p.name} has no name column (headers: {shown}); expected e.g. 'First name' and 'Surname'")
    rows = []
    try:
        for record in reader:
            if reader.line_num > MAX_ROWS + 1:
                raise CsvError(f"{p.name} has more than {MAX_ROWS} rows")
            if not any(cell.strip() for cell in record):
                continue
            values = {key: record[i].strip() for i, key in columns.items() if i < len(record)}
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise CsvError(f"{p.name} line {reader.line_num}: {exc}") from None
    return found, rows


def _roles(text: str) -> str | None:
    t = text.lower()
    if not t:
        return None
    if re.search(r"head ?teacher|principal|chief executive|\bceo\b|executive head", t):
        return "leader"
    roles = set()
    if "coach" in t or "mentor" in t:
        roles.add("coach")
    if re.search(r"\b(head|deputy|slt|leader|director|assistant head|vice)\b", t):
        roles.add("leader")
    if "teach" in t or "head of" in t or "tutor" in t or not roles:
        roles.add("teacher")
    return ",".join(r for r in ("teacher", "coach", "leader") if r in roles)


def import_file(path: str | Path, *, dry_run: bool = False) -> Report:
    """Read the file and import it; with dry_run, report what would happen and change nothing."""
    _, rows = read_rows(path)
    report = Report(str(path))
    with (w.rehearsal() if dry_run else w.action(f"import {Path(path).name}")):
        _apply(rows, report)
    report.applied = not dry_run
    return report


def _new_id(ext: str, name: str) -> str | None:
    """A person new here with an MIS id gets the id every laptop gives them
    from the same MIS export, so one school's CSV imported on two laptops
    makes one person, not two, once they sync. (Not if that id was erased:
    erasure is final for an id, and a returning person starts afresh.)"""
    if not ext.strip():
        return None
    rid = derived_id("staff-mis", ext.strip().casefold(), name.strip().casefold())
    return None if w.is_purged(rid) else rid


def _apply(rows: list[tuple[int, dict[str, str]]], report: Report) -> None:
    everyone = list(Staff.select().where(Staff.live()))
    by_ext = {s.external_id.lower(): s for s in everyone if s.external_id}
    by_email = {s.email.lower(): s for s in everyone if s.email}
    by_name_site = {(s.name.casefold(), s.site_id): s for s in everyone}
    seen: dict[str, int] = {}  # staff id -> line that already set it
    pending_coach: list[tuple[int, str, str]] = []  # (line, staff id, coach text)
    for line, v in rows:
        name = v.get("name") or " ".join(x for x in (v.get("first", ""), v.get("last", "")) if x)
        if not name.strip():
            report.skipped.append((line, "no name"))
            continue
        email = v.get("email", "")
        if email and not staff.EMAIL_RE.match(email):
            report.warnings.append((line, f"email {email!r} ignored: not an email address"))
            email = ""
        try:
            site_id = staff.site_named(v["site"]) if v.get("site") else None
        except UserError as exc:
            report.skipped.append((line, str(exc)))
            continue
        ext = v.get("external_id", "")
        match = (by_ext.get(ext.lower()) if ext else None) or (by_email.get(email.lower()) if email else None) \
            or by_name_site.get((name.casefold(), site_id))
        if match and match.id in seen:
            report.skipped.append((line, f"same person as line {seen[match.id]}"))
            continue
        support_text = v.get("support", "").strip().lower()
        support = SUPPORT_WORDS.get(support_text, "?")
        if support == "?":
            report.warnings.append((line, f"support level {v['support']!r} not understood; left as it was"))
            support = None
        roles = _roles(v.get("roles", ""))
        current = match or Staff(name="", roles="teacher", support="none")
        values = dict(
            name=name,
            email=email or current.email,
            roles=roles if roles and not match else (_merge_roles(current.roles, roles) if roles else current.roles),
            site_id=site_id or current.site_id,
            team=v.get("team") or current.team,
            support=support or current.support,
            coach_id=current.coach_id,
            external_id=ext or current.external_id,
        )
        try:
            before = {k: getattr(current, k) for k in values} if match else None
            sid = staff.save(match.id if match else _new_id(ext, name), support_reason="roster CSV import",
                             **values)
        except UserError as exc:
            report.skipped.append((line, str(exc)))
            continue
        seen[sid] = line
        saved = Staff.get_by_id(sid)
        if match is None:
            report.created.append((line, name))
            by_name_site[(name.casefold(), saved.site_id)] = saved
            if email:
                by_email[email.lower()] = saved
            if ext:
                by_ext[ext.lower()] = saved
        elif before != {k: getattr(saved, k) for k in values}:
            report.updated.append((line, name))
        else:
            report.unchanged.append((line, name))
        if v.get("coach"):
            pending_coach.append((line, sid, v["coach"]))
    # Second pass: coaches may be named on a later line than their teachers.
    active = list(Staff.select().where(Staff.live() & (Staff.archived == False)))  # noqa: E712
    for line, sid, text in pending_coach:
        key = text.strip().casefold()
        found = [s for s in active if s.email.casefold() == key or s.name.casefold() == key]
        if not found:
            report.warnings.append((line, f"coach {text!r} not found on the roster; not assigned"))
            continue
        if len(found) > 1:
            report.warnings.append((line, f"coach {text!r} matches {len(found)} people; not assigned"))
            continue
        try:
            staff.assign_coach(sid, found[0].id)
        except UserError as exc:
            report.warnings.append((line, f"coach not assigned: {exc}"))


def _merge_roles(current: str, new: str) -> str:
    merged = set(current.split(",")) | set(new.split(","))
    return ",".join(r for r in ("teacher", "coach", "leader") if r in merged)
