"""Tables. Replicated rows have a UUID text id, per-field clocks and `deleted`.

No UNIQUE constraints on natural keys and no declared foreign keys between
replicated tables: two laptops create the same person, and sync applies rows
in any order. Services check references; duplicates are found and merged.
"""

from __future__ import annotations

import hashlib
import uuid

from peewee import SQL, BooleanField, IntegerField, Model, SqliteDatabase, TextField

# Deferred: opened by coachtui.store.db.open_store, never at import time.
database = SqliteDatabase(None)


def new_id() -> str:
    return uuid.uuid4().hex


# Rows that name a thing every laptop may make alike (a framework code, a
# person in a PLC, a feedback's items) get an id derived from what they name,
# so two laptops that make "the same" row make the same row.
NAMESPACE = uuid.UUID("6f1c1e4e-3c57-4d55-9a8e-2f0c0ac0c0a1")


def purge_key(row_id: str) -> str:
    """How an erased row is remembered (Purged, tombstones): its id's sha256, never the id."""
    return hashlib.sha256(row_id.encode("utf-8")).hexdigest()


# Written where a row pointed at someone who has been erased (a coach, a
# PLC's leader): the other person's record stays, and shows "(erased)".
ERASED = "erased"


def derived_id(*parts: str) -> str:
    """The same id on every laptop for the same parts, e.g. derived_id("plc-member", plc_id, staff_id)."""
    return uuid.uuid5(NAMESPACE, ":".join(parts)).hex


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Replicated(BaseModel):
    """A row that travels in sync bundles."""

    id = TextField(primary_key=True, default=new_id)
    clocks = TextField(default="{}")  # JSON {field: hlc stamp}
    hlc = TextField(default="", index=True)  # newest stamp in `clocks`
    # When this row last changed on this laptop, by a local edit or an import:
    # hlc.seq_of(a stamp of this laptop's clock). Local, never in a bundle: an
    # incremental bundle carries the rows whose seq is above its `since`.
    seq = IntegerField(default=0, index=True, constraints=[SQL("DEFAULT 0")])  # raw INSERTs (tests) omit it
    deleted = BooleanField(default=False)

    # Fields that are machinery, not content: never stamped.
    MACHINERY = ("id", "clocks", "hlc", "seq")
    # Free-text fields: concurrent edits on two laptops are kept as conflicts.
    FREE_TEXT: tuple[str, ...] = ()

    @classmethod
    def content_fields(cls) -> list[str]:
        return [n for n in cls._meta.sorted_field_names if n not in cls.MACHINERY]

    @classmethod
    def live(cls):
        """The condition "not deleted", for where clauses: `Staff.live() & (Staff.id == x)`."""
        return cls.deleted == False  # noqa: E712  (peewee builds SQL from ==)


# --- local-only tables (never exported) ---------------------------------------


class Meta(BaseModel):
    """Per-database facts: device id, last clock stamp, framework version."""

    key = TextField(primary_key=True)
    value = TextField()


class Purged(BaseModel):
    """Erased rows, by `purge_key(id)`: any later write for them is ignored
    whatever its clock. The key is a hash, so that no file keeps the erased
    id itself. Replicated by sync as tombstones (they carry no content).
    """

    id = TextField(primary_key=True)  # purge_key(row id)
    table = TextField()
    stamp = TextField()
    seq = IntegerField(default=0, index=True, constraints=[SQL("DEFAULT 0")])  # as Replicated.seq


# --- replicated content -------------------------------------------------------


class Site(Replicated):
    name = TextField(default="")


SUPPORT_LEVELS = ("none", "support", "structured", "formal")
SUPPORT_LABELS = {
    "none": "none",
    "support": "support",
    "structured": "structured support",
    "formal": "formal support",
}
ROLES = ("teacher", "coach", "leader")


class Staff(Replicated):
    name = TextField(default="")
    email = TextField(default="")
    roles = TextField(default="teacher")  # comma-separated, from ROLES
    site_id = TextField(null=True, index=True)
    team = TextField(default="")  # department or year group
    support = TextField(default="none")  # from SUPPORT_LEVELS
    coach_id = TextField(null=True, index=True)
    archived = BooleanField(default=False)
    external_id = TextField(default="")  # the school's MIS id, from CSV imports

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


FRAMEWORK_KINDS = ("domain", "strand", "step")


class FrameworkItem(Replicated):
    """The common-language teaching framework: domain > strand > action step."""

    kind = TextField(default="step")
    parent_id = TextField(null=True, index=True)
    code = TextField(default="")
    title = TextField(default="")
    detail = TextField(default="")  # success criteria, one per line
    position = IntegerField(default=0)  # order among its siblings (ties: by code)
    # Retired items keep their rows (joins, feedback and history point at them)
    # but are no longer offered for new choices.
    retired = BooleanField(default=False)

    FREE_TEXT = ("title", "detail")


FOCUS_KINDS = ("strength", "development")


class StaffFocus(Replicated):
    """A framework item a member of staff carries as a strength or development area."""

    staff_id = TextField(index=True)
    item_id = TextField()
    kind = TextField(default="development")


LOCAL_MODELS: list[type[BaseModel]] = [Meta, Purged]
# Every replicated table, in the order sync should apply them.
REPLICATED_MODELS: list[type[Replicated]] = [Site, Staff, FrameworkItem, StaffFocus]


def register(model: type[Replicated]) -> type[Replicated]:
    """Class decorator for replicated tables defined in other modules."""
    if model not in REPLICATED_MODELS:
        REPLICATED_MODELS.append(model)
    return model


def model_for_table(name: str) -> type[Replicated] | None:
    for m in REPLICATED_MODELS:
        if m._meta.table_name == name:
            return m
    return None


# --- lesson joins and feedback -------------------------------------------------

NOTE_KINDS = ("observation", "strength", "next", "question")
NOTE_LABELS = {"observation": "observation", "strength": "strength", "next": "next step", "question": "question"}


class Join(Replicated):
    """A coach joining a lesson for a set time with an agreed focus (not an "observation")."""

    staff_id = TextField(index=True)  # the teacher
    coach_id = TextField(null=True)
    focus_item_id = TextField(null=True)  # a framework action step, or None with focus_text
    focus_text = TextField(default="")
    group = TextField(default="")  # class or group
    room = TextField(default="")
    planned_minutes = IntegerField(default=20)
    started_at = IntegerField(default=0)  # wall-clock ms
    ended_at = IntegerField(null=True)
    tally_labels = TextField(default="[]")  # JSON list of what the coach counts

    FREE_TEXT = ("focus_text",)


class JoinEvent(Replicated):
    """Pause and resume moments of a join (append-only): the timer is computed from these."""

    join_id = TextField(index=True)
    kind = TextField(default="pause")  # pause | resume
    at = IntegerField(default=0)  # wall-clock ms


class Note(Replicated):
    """One timed note taken during a join. Private notes never leave this laptop."""

    join_id = TextField(index=True)
    staff_id = TextField(index=True)
    at = IntegerField(default=0)  # wall-clock ms
    elapsed = IntegerField(default=0)  # seconds into the join
    kind = TextField(default="observation")
    text = TextField(default="")
    private = BooleanField(default=False)

    FREE_TEXT = ("text",)


class Tally(Replicated):
    """One press of a tally key: a count is a series of moments."""

    join_id = TextField(index=True)
    label = TextField(default="")
    at = IntegerField(default=0)
    elapsed = IntegerField(default=0)


FEEDBACK_FIELDS = ("strengths", "action_step", "criteria", "target_what", "target_measure", "target_deadline",
                   "practice", "reflection", "next_join")
FEEDBACK_LABELS = {
    "strengths": "Strengths (what went well)",
    "action_step": "Action step",
    "criteria": "Success criteria",
    "target_what": "SMART target: what",
    "target_measure": "SMART target: measure of success",
    "target_deadline": "SMART target: deadline (YYYY-MM-DD)",
    "practice": "Practice plan (what to rehearse, with which group)",
    "reflection": "Teacher's reflection",
    "next_join": "Next join (YYYY-MM-DD)",
}
# The same fields named in what is read, not typed (the teacher's summary, a
# past join's page): the form's hints in brackets, a date's format, left out.
FEEDBACK_HEADINGS = {part: label.split(" (")[0] for part, label in FEEDBACK_LABELS.items()}


class Feedback(Replicated):
    """The feedback meeting after a join."""

    join_id = TextField(index=True)
    staff_id = TextField(index=True)
    coach_id = TextField(null=True)
    action_item_id = TextField(null=True)  # framework step the action step comes from, if any
    given_on = TextField(default="")  # YYYY-MM-DD
    next_join = TextField(default="")  # YYYY-MM-DD, copied for the roster's "next due"


class FeedbackItem(Replicated):
    """One field of a feedback, with its own visibility. Id derived from
    (feedback, field) so two laptops editing one field edit one row."""

    feedback_id = TextField(index=True)
    part = TextField()  # one of FEEDBACK_FIELDS
    text = TextField(default="")
    private = BooleanField(default=False)

    FREE_TEXT = ("text",)


class ActionStep(Replicated):
    """A teacher's action step: in progress until mastered."""

    staff_id = TextField(index=True)
    feedback_id = TextField(null=True)
    item_id = TextField(null=True)
    text = TextField(default="")
    criteria = TextField(default="")
    status = TextField(default="in progress")  # in progress | mastered | replaced (by a newer step)
    set_on = TextField(default="")
    mastered_on = TextField(default="")

    FREE_TEXT = ("text", "criteria")


class Draft(BaseModel):
    """Local only: the note being typed in a running join, saved within a second."""

    join_id = TextField(primary_key=True)
    text = TextField(default="")
    kind = TextField(default="observation")


LOCAL_MODELS.append(Draft)
REPLICATED_MODELS.extend([Join, JoinEvent, Note, Tally, Feedback, FeedbackItem, ActionStep])


# --- sync -------------------------------------------------------------------------


class Conflict(Replicated):
    """The losing version of a free-text field that two laptops changed while
    apart. The winner (higher clock) is in place everywhere; this keeps the
    other for the user to pick or merge. Id derived from what lost, so every
    laptop records the same conflict once."""

    table_name = TextField()
    record_id = TextField(index=True)
    field_name = TextField()
    value = TextField(default="")
    stamp = TextField(default="")  # the losing version's clock
    winner_stamp = TextField(default="")  # unused: who beats a loser differs by laptop
    resolved = BooleanField(default=False)


class Applied(BaseModel):
    """Local only: bundles already imported here (so a sync folder is not re-read)."""

    bundle_id = TextField(primary_key=True)
    device = TextField(default="")
    applied_at = TextField(default="")
    summary = TextField(default="")
    # Version 2: the part of its writer's history it held, from its manifest.
    # A folder's file is passed over by name only if its name says the same.
    since = IntegerField(null=True)
    upto = IntegerField(null=True)


LOCAL_MODELS.append(Applied)
REPLICATED_MODELS.append(Conflict)


# --- teachers coaching teachers: PLCs, sessions, priority plans ---------------------


class Plc(Replicated):
    """A professional learning community: open to every teacher, led by one of them."""

    name = TextField(default="")
    focus_item_id = TextField(null=True)  # a framework item, or None with focus_text
    focus_text = TextField(default="")
    leader_id = TextField(null=True)
    site_id = TextField(null=True)  # None: open across the trust
    archived = BooleanField(default=False)


class PlcMember(Replicated):
    """A teacher's membership of a PLC. Id derived from (PLC, person): leaving
    and rejoining flips `deleted` on one row, and two laptops agree."""

    plc_id = TextField(index=True)
    staff_id = TextField(index=True)


SESSION_KINDS = ("plc meeting", "staff surgery", "what works well", "other")
SESSION_LABELS = {"plc meeting": "PLC meeting", "staff surgery": "staff surgery",
                  "what works well": "What Works Well workshop", "other": "other session"}


class Session(Replicated):
    """A PLC meeting, staff surgery or What Works Well workshop."""

    kind = TextField(default="plc meeting")
    plc_id = TextField(null=True, index=True)
    held_on = TextField(default="")  # YYYY-MM-DD
    topic = TextField(default="")
    notes = TextField(default="")

    FREE_TEXT = ("topic", "notes")


class Attendance(Replicated):
    """Who came to a session and what each will try next. Id from (session, person)."""

    session_id = TextField(index=True)
    staff_id = TextField(index=True)
    came = BooleanField(default=True)
    try_next = TextField(default="")

    FREE_TEXT = ("try_next",)


class PriorityPlan(Replicated):
    """A team's (or one teacher's) top priority, worked through the four-question template."""

    team = TextField(default="")  # department or year group; "" for a single teacher
    staff_id = TextField(null=True)  # the teacher, for a single teacher's plan
    site_id = TextField(null=True)
    title = TextField(default="")  # the priority, in a line
    problem = TextField(default="")  # what is the problem?
    evidence = TextField(default="")  # what evidence shows it?
    approach = TextField(default="")  # what will we try?
    measure = TextField(default="")  # how will we know?
    status = TextField(default="active")  # active | closed
    started_on = TextField(default="")

    FREE_TEXT = ("title", "problem", "evidence", "approach", "measure")


ACTION_STATUSES = ("planned", "doing", "done", "dropped")


class PlanAction(Replicated):
    """One step of a priority plan's roadmap."""

    plan_id = TextField(index=True)
    text = TextField(default="")
    owner_id = TextField(null=True)
    due = TextField(default="")  # YYYY-MM-DD
    status = TextField(default="planned")
    position = IntegerField(default=0)

    FREE_TEXT = ("text",)


EVIDENCE_KINDS = ("work sample", "note", "data", "photo or video", "other")


class Evidence(Replicated):
    """A dated entry in a priority plan's evidence log (described in words)."""

    plan_id = TextField(index=True)
    on = TextField(default="")  # YYYY-MM-DD
    kind = TextField(default="note")
    text = TextField(default="")

    FREE_TEXT = ("text",)


class PeerSession(Replicated):
    """Teachers coaching teachers on a priority plan: team-to-team or a pair."""

    plan_id = TextField(index=True)
    mode = TextField(default="pair")  # pair | team
    partner_id = TextField(null=True)  # the partner teacher, for a pair
    partner_team = TextField(default="")  # the partner team, team-to-team
    due_on = TextField(default="")  # YYYY-MM-DD, when it is planned
    held_on = TextField(default="")  # YYYY-MM-DD once it happened
    shared = TextField(default="")  # what was shared
    feedback = TextField(default="")  # the feedback given

    FREE_TEXT = ("shared", "feedback")


REPLICATED_MODELS.extend([Plc, PlcMember, Session, Attendance, PriorityPlan, PlanAction, Evidence, PeerSession])


# --- coaching cycles and cadence ------------------------------------------------------

# The stages of a coaching cycle, in order (seed 003); after practice, round again.
CYCLE_STAGES = ("initial", "join", "feedback", "research", "practice")
CYCLE_STAGE_LABELS = {
    "initial": "initial meeting",
    "join": "joining a lesson",
    "feedback": "reflection and feedback",
    "research": "research and collaboration",
    "practice": "practice",
}


class CoachingCycle(Replicated):
    """A teacher's coaching cycle with one coach and one focus, round after round."""

    staff_id = TextField(index=True)  # the teacher
    coach_id = TextField(null=True)
    focus_item_id = TextField(null=True)
    focus_text = TextField(default="")
    stage = TextField(default="initial")
    round = IntegerField(default=1)
    started_on = TextField(default="")  # YYYY-MM-DD
    ended_on = TextField(default="")  # YYYY-MM-DD once closed
    # The initial meeting (seed 003, stage 1).
    strengths = TextField(default="")
    development = TextField(default="")
    evidence = TextField(default="")  # what the teacher brought
    outcomes = TextField(default="")  # agreed outcomes
    way_in = TextField(default="")  # the "in": where to start
    visits = TextField(default="")  # colleagues to visit who show the practice well

    FREE_TEXT = ("focus_text", "strengths", "development", "evidence", "outcomes", "way_in", "visits")


class CycleEvent(Replicated):
    """A cycle reaching a stage on a date (append-only): the cycle's history."""

    cycle_id = TextField(index=True)
    stage = TextField()
    round = IntegerField(default=1)
    on = TextField(default="")  # YYYY-MM-DD
    note = TextField(default="")


class SupportChange(Replicated):
    """A change of support level: up or down, when, why and by whom."""

    staff_id = TextField(index=True)
    from_level = TextField(default="none")
    to_level = TextField(default="none")
    on = TextField(default="")  # YYYY-MM-DD
    reason = TextField(default="")
    by_staff_id = TextField(null=True)  # who made it, when they are on the roster
    by_name = TextField(default="")  # who made it, as typed or this laptop's name

    FREE_TEXT = ("reason",)


CADENCE_KINDS = ("support", "structured", "formal", "none", "follow-up")


class Cadence(Replicated):
    """How often a support level is seen, in days, for a site (None: the trust's
    default). "follow-up" is the termly follow-up meeting every teacher has.
    Id from (site, kind): one row per pair on every laptop."""

    site_id = TextField(null=True)
    kind = TextField()
    days = IntegerField(default=14)


class PlannedJoin(Replicated):
    """A join planned for a date (a leader working through the overdue list,
    or a coach booking ahead): until a join happens, it is the date due."""

    staff_id = TextField(index=True)  # the teacher
    coach_id = TextField(null=True)
    on = TextField(default="")  # YYYY-MM-DD
    note = TextField(default="")

    FREE_TEXT = ("note",)


REPLICATED_MODELS.extend([CoachingCycle, CycleEvent, SupportChange, Cadence, PlannedJoin])
