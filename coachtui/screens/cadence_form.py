"""How often each support level is seen, for the trust or one school: a pick
of where, then a form of intervals (empty: inherit the trust's, or the default)."""

from __future__ import annotations

from textual.screen import Screen

from coachtui.coaching import cadence
from coachtui.coaching.cadence import CADENCE_KINDS
from coachtui.roster import staff
from coachtui.widgets.form import Field, FormModal, FormSpec, PickModal

TRUST = "__trust__"


def edit_cadence(screen: Screen) -> None:
    items = [("The whole trust (the default for every school)", TRUST)]
    items += [(f"{s.name} only", s.id) for s in staff.sites()]
    screen.app.push_screen(PickModal("Cadence: how often is each level seen?", items),
                           lambda where: where and _form(screen, None if where == TRUST else where))


def _form(screen: Screen, site_id: str | None) -> None:
    table = cadence.settings()
    fields, values = [], {}
    for kind in CADENCE_KINDS:
        inherited = cadence.days_for(None, kind, table) if site_id else cadence.DEFAULT_DAYS[kind]
        fields.append(Field(kind, f"{cadence.LABELS[kind]}: every … days (empty: {inherited})",
                            placeholder=str(inherited)))
        own = table.get((site_id, kind))
        values[kind] = "" if own is None else str(own)
    where = next((s.name for s in staff.sites() if s.id == site_id), "the whole trust")

    def save(v: dict) -> bool:
        cadence.set_many(site_id, {k: v[k].strip() for k in CADENCE_KINDS if v[k].strip() != values[k]})
        return True

    spec = FormSpec(f"Cadence for {where} (0: no regular joins)", fields, values)
    screen.app.push_screen(FormModal(spec, save), lambda ok: ok and screen.notify(
        f"Cadence for {where} saved: due dates follow it now.", markup=False))
