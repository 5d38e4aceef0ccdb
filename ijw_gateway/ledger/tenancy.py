"""Which cases an organisation may see: the ledger's side of the HTTP service's tenancy.

Small queries on the case and message tables, apart from :class:`~ijw_gateway.ledger.ledger.Ledger`:
a case belongs to its gemeente (and so to the gemeente's region) and to its GI; a provider is
party to the cases of the messages it sent or received.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import or_, select

from ijw_gateway.ledger.store import CaseRow, MessageRow, transaction

__all__ = ["case_ids"]

_CASE: Any = CaseRow.__table__  # type: ignore[attr-defined]
_MESSAGE: Any = MessageRow.__table__  # type: ignore[attr-defined]


def case_ids(
    ledger: Any, *, gemeenten: Collection[str] = (), gi: str | None = None, party: str | None = None
) -> set[str]:
    """The ids of the cases of ``gemeenten``, of GI ``gi``, or with a message ``party`` sent or received."""
    with transaction(ledger.engine, ledger.url) as conn:
        found: set[str] = set()
        if gemeenten:
            found.update(conn.execute(select(_CASE.c.id).where(_CASE.c.gemeente.in_(sorted(gemeenten)))).scalars())
        if gi is not None:
            found.update(conn.execute(select(_CASE.c.id).where(_CASE.c.gi == gi)).scalars())
        if party is not None:
            query = select(_MESSAGE.c.case_id).where(
                or_(_MESSAGE.c.afzender == party, _MESSAGE.c.ontvanger == party)).distinct()
            found.update(conn.execute(query).scalars())
        return found
