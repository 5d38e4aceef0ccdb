"""Alembic environment of the ledger: always run on a connection the ledger passes in.

``ijw_gateway.ledger.schema.ensure_schema`` opens the transaction, takes the migration
lock and hands the connection over in ``config.attributes["connection"]``. To write a
new migration: ``alembic -c ijw_gateway/ledger/migrations/alembic.ini revision -m "…"``
(with ``IJW_DB`` naming a ledger at the current head) and edit the generated file.
"""

from alembic import context

from ijw_gateway.ledger import store

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # the alembic command line: connect to IJW_DB
    import os

    engine = store.connect(os.environ.get("IJW_DB", store.DEFAULT_URL))
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=store.SQLModel.metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=store.SQLModel.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
