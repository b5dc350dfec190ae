"""Priority plans: a team (department, year group) or one teacher picks a top
priority, works it through four questions, keeps a roadmap of actions with
owners and deadlines, logs evidence, and coaches peers on it two or three
times a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coachtui.base.dates import check_date, today
from coachtui.base.errors import UserError
from coachtui.base.text import MAX_NAME, clean, clean_block
from coachtui.coaching.cadence import state
from coachtui.store import write as w
from coachtui.store.models import (
    ACTION_STATUSES,
    EVIDENCE_KINDS,
    Evidence,
    PeerSession,
    PlanAction,
    PriorityPlan,
    Site,
    Staff,
)

MAX_TEXT = 5_000
# The problem-solving template: field, question.
QUESTIONS = (
    ("problem", "What is the problem?"),
    ("evidence", "What evidence shows it?"),
    ("approach", "What will we try?"),
    ("measure", "How will we know it worked?"),
)
DUE_SOON_DAYS = 14


def get(plan_id: str) -> PriorityPlan | None:
    return PriorityPlan.get_or_none((PriorityPlan.id == plan_id) & PriorityPlan.live())


def _need(plan_id: str) -> PriorityPlan:
    p = get(plan_id)
    if p is None:
        raise UserError("that priority plan no longer exists")
    return p


def _person(staff_id: str | None, what: str) -> str | None:
    if not staff_id:
        return None
    p = Staff.get_or_none((Staff.id == staff_id) & Staff.live())
    if p is None:
        raise UserError(f"{what} is not on the roster")
    return staff_id


def owner_label(plan: PriorityPlan, names: dict[str, str] | None = None) -> str:
    if plan.staff_id:
        if names is not None:
            return names.get(plan.staff_id, "?")
        s = Staff.get_or_none(Staff.id == plan.staff_id)
        return s.name if s else "?"
    return plan.team or "?"


def save(plan_id: str | None = None, *, title: str, team: str = "", staff_id: str | None = None,
         site_id: str | None = None, status: str = "active", **answers: str) -> str:
    """Create or edit a plan's priority, owner and four answers."""
    title = clean(title, "priority", MAX_NAME)
    if not title:
        raise UserError("write the priority in a line first")
    team = clean(team, "team", MAX_NAME)
    staff_id = _person(staff_id, "that teacher")
    if not team and not staff_id:
        raise UserError("a plan belongs to a team or to one teacher")
    if site_id and not Site.get_or_none((Site.id == site_id) & Site.live()):
        raise UserError("that site does not exist")
    if status not in ("active", "closed"):
        raise UserError(f"unknown status {status!r}")
    known = {f for f, _ in QUESTIONS}
    if set(answers) - known:
        raise UserError(f"unknown part {sorted(set(answers) - known)[0]!r}")
    values = {f: clean_block(v, q, MAX_TEXT) for f, q in QUESTIONS for k, v in answers.items() if k == f}
    if plan_id is None:
        values["started_on"] = today().isoformat()
    else:
        _need(plan_id)
    with w.action(f"{'edit' if plan_id else 'start'} priority plan {title}"):
        return w.write(PriorityPlan, plan_id, title=title, team=team, staff_id=staff_id, site_id=site_id or None,
                       status=status, **values)


def set_status(plan_id: str, status: str) -> None:
    p = _need(plan_id)
    if status not in ("active", "closed"):
        raise UserError(f"unknown status {status!r}")
    with w.action(f"{'close' if status == 'closed' else 'reopen'} {p.title}"):
        w.write(PriorityPlan, plan_id, status=status)


# --- roadmap --------------------------------------------------------------------------


def actions(plan_id: str) -> list[PlanAction]:
    return list(PlanAction.select().where((PlanAction.plan_id == plan_id) & PlanAction.live())
                .order_by(PlanAction.position, PlanAction.due))


def save_action(action_id: str | None = None, *, plan_id: str, text: str, owner_id: str | None = None,
                due: str = "", status: str = "planned") -> str:
    _need(plan_id)
    text = clean_block(text, "action", MAX_TEXT)
    if not text:
        raise UserError("describe the action")
    owner_id = _person(owner_id, "the owner")
    due = check_date(due, "deadline")
    if status not in ACTION_STATUSES:
        raise UserError(f"unknown status {status!r} (one of {', '.join(ACTION_STATUSES)})")
    values = dict(plan_id=plan_id, text=text, owner_id=owner_id, due=due, status=status)
    if action_id is None:
        values["position"] = len(actions(plan_id))
    with w.action(f"{'edit' if action_id else 'add'} action"):
        return w.write(PlanAction, action_id, **values)


def next_status(action_id: str) -> str:
    """Step an action on: planned, doing, done (and back to planned)."""
    a = PlanAction.get_or_none(PlanAction.id == action_id)
    if a is None:
        raise UserError("that action no longer exists")
    order = ["planned", "doing", "done"]
    new = order[(order.index(a.status) + 1) % 3] if a.status in order else "planned"
    with w.action(f"action {new}"):
        w.write(PlanAction, action_id, status=new)
    return new


def delete_action(action_id: str) -> None:
    with w.action("delete action"):
        w.write(PlanAction, action_id, deleted=True)


# --- evidence log -------------------------------------------------------------------------


def evidence(plan_id: str) -> list[Evidence]:
    return list(Evidence.select().where((Evidence.plan_id == plan_id) & Evidence.live())
                .order_by(Evidence.on.desc(), Evidence.hlc.desc()))


def save_evidence(evidence_id: str | None = None, *, plan_id: str, text: str, kind: str = "note",
                  on: str = "") -> str:
    _need(plan_id)
    text = clean_block(text, "evidence", MAX_TEXT)
    if not text:
        raise UserError("describe the evidence in words")
    if kind not in EVIDENCE_KINDS:
        raise UserError(f"unknown kind of evidence {kind!r}")
    on = check_date(on, "date") or today().isoformat()
    with w.action(f"{'edit' if evidence_id else 'log'} evidence"):
        return w.write(Evidence, evidence_id, plan_id=plan_id, text=text, kind=kind, on=on)


def delete_evidence(evidence_id: str) -> None:
    with w.action("delete evidence"):
        w.write(Evidence, evidence_id, deleted=True)


# --- peer coaching sessions ----------------------------------------------------------------


def peer_sessions(plan_id: str) -> list[PeerSession]:
    return list(PeerSession.select().where((PeerSession.plan_id == plan_id) & PeerSession.live())
                .order_by(PeerSession.due_on))


def save_peer_session(session_id: str | None = None, *, plan_id: str, mode: str = "pair",
                      partner_id: str | None = None, partner_team: str = "", due_on: str = "",
                      held_on: str = "", shared: str = "", feedback: str = "") -> str:
    _need(plan_id)
    if mode not in ("pair", "team"):
        raise UserError("a peer session is a pair or team-to-team")
    partner_id = _person(partner_id, "the partner")
    partner_team = clean(partner_team, "partner team", MAX_NAME)
    if mode == "pair" and not partner_id:
        raise UserError("name the partner teacher or the partner team")
    if mode == "team" and not partner_team:
        raise UserError("name the partner team")
    due_on = check_date(due_on, "planned for")
    held_on = check_date(held_on, "held on")
    if not due_on and not held_on:
        raise UserError("give the date it is planned for")
    values = dict(plan_id=plan_id, mode=mode, partner_id=partner_id if mode == "pair" else None,
                  partner_team=partner_team if mode == "team" else "", due_on=due_on or held_on, held_on=held_on,
                  shared=clean_block(shared, "what was shared", MAX_TEXT),
                  feedback=clean_block(feedback, "feedback given", MAX_TEXT))
    with w.action(f"{'edit' if session_id else 'plan'} peer coaching session"):
        return w.write(PeerSession, session_id, **values)


def delete_peer_session(session_id: str) -> None:
    with w.action("delete peer coaching session"):
        w.write(PeerSession, session_id, deleted=True)


# --- due and overdue -------------------------------------------------------------------------


def due_state(due: str, finished: bool, on: str | None = None) -> str:
    """'' (no date or finished), 'overdue', 'due today', 'due soon' or 'on track'."""
    if finished:
        return ""
    return state(due, dt.date.fromisoformat(on) if on else today(), DUE_SOON_DAYS)


@dataclass
class PlanRow:
    plan: PriorityPlan
    owner: str
    done: int
    total: int
    overdue: int
    next_peer: str  # date of the next peer session not yet held
    peer_overdue: bool

    @property
    def id(self) -> str:
        return self.plan.id


def plan_rows(include_closed: bool = False, on: str | None = None) -> list[PlanRow]:
    q = PriorityPlan.select().where(PriorityPlan.live())
    if not include_closed:
        q = q.where(PriorityPlan.status == "active")
    plans = list(q)
    names = {s.id: s.name for s in Staff.select(Staff.id, Staff.name)}
    acts: dict[str, list[PlanAction]] = {}
    for a in PlanAction.select().where(PlanAction.live()):
        acts.setdefault(a.plan_id, []).append(a)
    peers: dict[str, list[PeerSession]] = {}
    for s in PeerSession.select().where(PeerSession.live()):
        peers.setdefault(s.plan_id, []).append(s)
    rows = []
    for p in plans:
        mine = [a for a in acts.get(p.id, []) if a.status != "dropped"]
        pending = sorted(s.due_on for s in peers.get(p.id, []) if not s.held_on)
        rows.append(PlanRow(
            p, owner_label(p, names), sum(a.status == "done" for a in mine), len(mine),
            sum(due_state(a.due, a.status == "done", on) == "overdue" for a in mine),
            pending[0] if pending else "",
            bool(pending and due_state(pending[0], False, on) == "overdue")))
    return sorted(rows, key=lambda r: (r.plan.status != "active", r.owner.casefold(), r.plan.title.casefold()))
