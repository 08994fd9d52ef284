"""Registry numbers under concurrency: unique, consecutive, no gaps."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from models import Agreement
from services import agreements
from tests.factories import director_actor, make_partner, staff_actor


def test_concurrent_registrations_get_consecutive_numbers(rt):
    ids = []
    for n in range(1, 9):
        ag_id = agreements.start(rt, partner_id=make_partner(rt, n), actor=staff_actor(rt))
        agreements.approve(rt, ag_id, actor=director_actor(rt))
        ids.append(ag_id)
    staff = staff_actor(rt)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: agreements.record_signed(rt, i, actor=staff), ids))
    with rt.session() as s:
        numbers = sorted(s.get(Agreement, i).number for i in ids)
    assert numbers == sorted(f"СВ-{n}/2024" for n in range(1, 9))
