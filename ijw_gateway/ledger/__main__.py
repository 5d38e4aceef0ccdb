"""``python -m ijw_gateway.ledger [PATH]``: write the deadline documentation table."""

from ijw_gateway.ledger.routes import main

raise SystemExit(main())
