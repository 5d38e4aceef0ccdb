"""``ijw serve``: the gateway over HTTP (FastAPI on uvicorn), for systems that are not written in Python.

Layers: :mod:`.app` builds the application from :class:`~.settings.Settings`; :mod:`.auth`
turns a bearer token into a :class:`~.auth.Principal` (its organisation and scopes);
:mod:`.tenancy` confines every ledger read and write to that organisation; :mod:`.problems`
is the one boundary where our errors become RFC 9457 problem documents; :mod:`.limits`
holds the safe defaults (body size, timeout, concurrency, headers, access log); :mod:`.direct`
answers the per-message endpoints without FastAPI's per-request machinery; the routes
call the library and the use cases (``api``, ``workflows``), never the CLI.
"""
