"""The endpoints, one module per resource: messages (validate, respond), bepalingen (map, build), the ledger,
and the operational ones (health, readiness, monitor)."""
