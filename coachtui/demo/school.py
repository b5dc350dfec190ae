"""Made-up staff for `coachtui --demo` and for benchmarks.

Deterministic for a seed. Fast: rows go in through the store's bulk path
(`write.insert_new`), so 5,000 staff take a second or two, not minutes.
"""

from __future__ import annotations

import random
import tomllib

from coachtui.base.resources import read_text
from coachtui.plcs.plc import member_id as plc_member_id
from coachtui.roster.focus_areas import focus_id
from coachtui.store import write as w
from coachtui.store.models import FrameworkItem, Plc, PlcMember, Site, Staff, StaffFocus, new_id
from coachtui.teaching import framework


def _names() -> dict:
    return tomllib.loads(read_text("data", "demo_names.toml"))


def has_staff() -> bool:
    return Staff.select().exists()


def fill_if_empty() -> None:
    """The demo database on first open: a trust of staff and a year of joins
    (so the leader's review has something to show)."""
    if has_staff():
        return
    from coachtui.demo.history import fill_history

    fill()
    fill_history(weeks=52, details=True)


def fill(n_staff: int = 140, seed: int = 1, plcs: int | None = None, sites: int | None = None) -> dict[str, int]:
    """Add a trust's worth of staff (and PLCs: one per 25 staff unless given)
    to the open store, at `sites` sites (default: one per 30 staff, at most
    the named ones; past those, names get a number). Returns counts."""
    rnd = random.Random(seed)
    names = _names()
    n_sites = sites or max(1, min(len(names["sites"]), 1 + n_staff // 30))
    existing = {s.name: s.id for s in Site.select().where(Site.live())}
    site_names = [base if k == 0 else f"{base} {k + 1}"
                  for k in range(-(-n_sites // len(names["sites"]))) for base in names["sites"]][:n_sites]
    sites = [dict(id=existing.get(name) or new_id(), name=name) for name in site_names]
    steps = [s.id for s in framework.steps()]
    people: list[dict] = []
    used: set[str] = set()

    def person_name(i: int) -> str:
        if i < len(names["tricky"]):
            return names["tricky"][i]
        for _ in range(20):
            name = f"{rnd.choice(names['first'])} {rnd.choice(names['last'])}"
            if name not in used:
                break
        else:
            name = f"{name} {i}"
        used.add(name)
        return name

    for i in range(n_staff):
        site_index = i % len(sites)
        primary = any(word in sites[site_index]["name"] for word in ("Primary", "Juniors", "Infants"))
        team = rnd.choice(names["primary_teams"] if primary else names["secondary_teams"])
        name = person_name(i)
        first, _, last = name.partition(" ")
        people.append(dict(
            id=new_id(),
            name=name,
            email=f"{first.lower()}.{last.lower().replace(' ', '')}{i}@{sites[site_index]['name'].split()[0].lower()}.example"
            .encode("ascii", "ignore").decode().replace("'", "").replace("[", "").replace("]", "").replace("/", ""),
            roles="teacher",
            site_id=sites[site_index]["id"],
            team=team,
            support=rnd.choices(["none", "support", "structured", "formal"], weights=[55, 35, 8, 2])[0],
            coach_id=None,
            archived=False,
            external_id=f"S{10000 + i}",
        ))
    # About one coach per nine teachers, per site; most coaches also teach; a few leaders.
    by_site: dict[str, list[dict]] = {}
    for p in people:
        by_site.setdefault(p["site_id"], []).append(p)
    for members in by_site.values():
        n_coaches = max(1, len(members) // 8)
        coaches = members[:n_coaches]
        for c in coaches:
            c["roles"] = "teacher,coach" if rnd.random() < 0.7 else "coach"
            c["support"] = "none"
        if len(members) > n_coaches + 2:
            members[n_coaches]["roles"] = "leader"
            members[n_coaches]["support"] = "none"
        teachers = [p for p in members[n_coaches + 1:]]
        for j, t in enumerate(teachers):
            if rnd.random() < 0.08:
                continue  # a few teachers still without a coach: the coverage gap
            # Lopsided on purpose: the first coach of a site carries more than the rest.
            t["coach_id"] = coaches[0]["id"] if j % 3 == 0 or len(coaches) == 1 else rnd.choice(coaches)["id"]
        for t in teachers[-max(1, len(teachers) // 25):]:
            t["archived"] = True  # leavers
    focus_rows = []
    for p in people:
        if "teacher" not in p["roles"]:
            continue
        picks = rnd.sample(steps, k=min(len(steps), rnd.randint(1, 3)))
        for k, item in enumerate(picks):
            focus_rows.append(dict(id=focus_id(p["id"], item), staff_id=p["id"], item_id=item,
                                   kind="strength" if k == 0 and rnd.random() < 0.5 else "development"))
    w.insert_new(Site, [s for s in sites if s["name"] not in existing])
    w.insert_new(Staff, people)
    w.insert_new(StaffFocus, focus_rows)
    n_plcs = fill_plcs(people, focus_rows, rnd, max(1, n_staff // 25) if plcs is None else plcs)
    if plcs is None and n_staff <= 1000:  # the demo, not a benchmark's trust
        fill_plans_and_meetings(people)
    return {"sites": len(sites), "staff": len(people), "focus": len(focus_rows), "plcs": n_plcs}


def fill_plcs(people: list[dict], focus_rows: list[dict], rnd: random.Random, n: int) -> int:
    """PLCs on the development areas most teachers share, each led by someone
    with that strength where there is one; about a third of teachers stay in no
    PLC, so the board shows the gap to close."""
    if n <= 0:
        return 0
    steps = framework.steps()
    strands = {i.id: i.title for i in FrameworkItem.select().where(FrameworkItem.kind == "strand")}
    titles = {i.id: strands.get(i.parent_id, i.title) for i in steps}  # a PLC is named for the strand
    active = {p["id"] for p in people if not p["archived"] and "teacher" in p["roles"]}
    wanted: dict[str, list[str]] = {}
    strong: dict[str, list[str]] = {}
    for f in focus_rows:
        if f["staff_id"] in active:
            (wanted if f["kind"] == "development" else strong).setdefault(f["item_id"], []).append(f["staff_id"])
    items = sorted(wanted, key=lambda i: -len(wanted[i]))
    plc_rows, member_rows, leaders = [], [], set()
    for k in range(n):
        item = items[k % len(items)] if items else None
        pid = new_id()
        name = titles.get(item, "Open PLC") if item else "Open PLC"
        if k >= len(items):
            name = f"{name} ({k // max(1, len(items)) + 1})"
        leader = next((sid for sid in strong.get(item, []) if sid not in leaders), None)
        if leader:
            leaders.add(leader)
        pool = [sid for sid in wanted.get(item, []) if rnd.random() < 0.65]
        members = ([leader] if leader else []) + [sid for sid in pool if sid != leader]
        plc_rows.append(dict(id=pid, name=name[:60], focus_item_id=item, leader_id=leader))
        member_rows += [dict(id=plc_member_id(pid, sid), plc_id=pid, staff_id=sid) for sid in members]
    w.insert_new(Plc, plc_rows)
    w.insert_new(PlcMember, list({m["id"]: m for m in member_rows}.values()))  # a leader listed twice
    return len(plc_rows)


def fill_plans_and_meetings(people: list[dict]) -> None:
    """Two priority plans (one team's, one teacher's) part-way through, and a
    PLC meeting, so F4 and a PLC's page have something to show. Written
    through the services, then left out of the undo history."""
    import datetime as dt

    from coachtui.plcs import meetings, plans, plc

    today = dt.date.today()
    day = lambda n: (today + dt.timedelta(days=n)).isoformat()
    teachers = [p for p in people if "teacher" in p["roles"] and not p["archived"]]
    if len(teachers) < 4:
        return
    team = teachers[0]["team"]
    team_plan = plans.save(
        title=f"Full answers in {team}", team=team, site_id=teachers[0]["site_id"],
        problem="Pupils answer in single words and cannot explain their reasoning.",
        evidence="Book look in September: 7 in 10 written answers were one line or less.",
        approach="'Say it again, better', sentence stems on the board, and think time before answers.",
        measure="Half of written answers explain a reason by Easter, checked in a book look each half term.")
    plans.save_action(plan_id=team_plan, text="Agree sentence stems for each unit",
                      owner_id=teachers[1]["id"], due=day(-10), status="done")
    plans.save_action(plan_id=team_plan, text="Model 'say it again, better' in a department meeting", owner_id=teachers[0]["id"],
                      due=day(-3), status="doing")
    plans.save_action(plan_id=team_plan, text="Second book look", due=day(30))
    plans.save_evidence(plan_id=team_plan, kind="data", on=day(-20),
                        text="Book look: 31 of 45 answers were one line or less.")
    plans.save_evidence(plan_id=team_plan, kind="work sample", on=day(-5),
                        text="Two pupils' books show longer answers since half term.")
    plans.save_peer_session(plan_id=team_plan, mode="team", partner_team="the next year group", due_on=day(12))
    own = plans.save(title="Cold calling every pupil", staff_id=teachers[2]["id"],
                     problem="The same few pupils answer.", approach="Cold call with think time.")
    plans.save_peer_session(plan_id=own, mode="pair", partner_id=teachers[3]["id"], due_on=day(-2))
    first = next(iter(plc.plcs()), None)
    if first is not None:
        members = plc.members(first.id)
        meeting = meetings.save(kind="plc meeting", held_on=day(-7), plc_id=first.id, topic="Sharing what worked",
                                notes="Each member brought one lesson where the strategy landed.")
        for m in members[:3]:
            meetings.set_try_next(meeting, m.id, "Try it with a second class and bring a sample.")
    w.clear_history()
