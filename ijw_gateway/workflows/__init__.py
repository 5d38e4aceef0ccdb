"""The use cases, each written once and called by the CLI, the demo, the HTTP service and the library.

* :mod:`.build` — a bepaling → its messages, validated, written and recorded as one unit;
* :mod:`.respond` — a received message → its retourbericht and the decisions, written and recorded;
* :mod:`.cases` — a bepaling as the ledger's case.

Each takes checked messages (``validation.checked``) from one step to the next: a message is
parsed and validated once.
"""
