"""Registry numbers: unique per kind and year, assigned inside the transaction, no gaps."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from models import RegistryCounter
from services.runtime import Tx


def next_number(tx: Tx, kind: str, year: int) -> int:
    """The next number of `kind` in `year`; rolled back with the transaction if it fails."""
    table = RegistryCounter.__table__
    dialect = tx.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(table)
        .values(kind=kind, year=year, last=1)
        .on_conflict_do_update(index_elements=["kind", "year"], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    return int(tx.session.execute(stmt).scalar_one())


def peek(tx: Tx, kind: str, year: int) -> int:
    """The last number given (0 when none yet)."""
    stmt = sa.select(RegistryCounter.last).where(
        RegistryCounter.kind == kind, RegistryCounter.year == year
    )
    return int(tx.session.execute(stmt).scalar() or 0)
