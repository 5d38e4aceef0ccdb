"""The hostile corpus, generated at run time (nothing big is committed).

Each entry is the bytes of one file and what the finding must say. Files that
point outside (XXE, XInclude, external DTD) point at a secret file and at a
local port the tests watch, so a read or a fetch would be seen.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "berichten"
VALID_301 = EXAMPLES / "jw301-toewijzing.xml"
VALID_315 = EXAMPLES / "jw315-verzoek-om-toewijzing.xml"

HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\r\n'
NS301 = b'xmlns:jw301="http://www.istandaarden.nl/ijw/3_2/jw301/schema"'
SECRET = "ijw-secret-3f9c2a71"
"""Written into the file that external entities and XIncludes point at; must never appear anywhere."""

MB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    expect: str
    """A substring of an error finding's message (case-insensitive)."""
    rule: str = "XML"


def _open(body: bytes) -> bytes:
    return HEAD + b"<jw301:Bericht " + NS301 + b">" + body + b"</jw301:Bericht>"


def _laughs() -> bytes:
    entities = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)
    )
    return HEAD + b"<!DOCTYPE lolz [" + entities + b"]>" + b"<jw301:Bericht " + NS301 + b">&l9;</jw301:Bericht>"


def _quadratic() -> bytes:
    return (HEAD + b'<!DOCTYPE b [<!ENTITY a "' + b"x" * 100_000 + b'">]>'
            + b"<jw301:Bericht " + NS301 + b">" + b"&a;" * 100_000 + b"</jw301:Bericht>")


def _declared(document: bytes, encoding: bytes) -> bytes:
    return re.sub(rb"encoding=['\"][^'\"]*['\"]", b'encoding="' + encoding + b'"', document, count=1)


def corpus(secret: Path, port: int) -> list[Hostile]:
    """Every hostile or broken input of issue 6; ``secret`` must never be read, ``port`` never contacted."""
    url = f"http://127.0.0.1:{port}/x".encode()
    file_url = secret.resolve().as_uri().encode()
    valid = VALID_301.read_bytes()
    header = b"<jw301:Header>"
    rng = random.Random(6)
    return [
        Hostile("billion-laughs", _laughs(), "DOCTYPE"),
        Hostile("quadratic-blowup", _quadratic(), "DOCTYPE"),
        Hostile("xxe-file", HEAD + b'<!DOCTYPE x [<!ENTITY s SYSTEM "' + file_url + b'">]>' + _open(b"&s;")[len(HEAD):],
                "DOCTYPE"),
        Hostile("xxe-http", HEAD + b'<!DOCTYPE x [<!ENTITY s SYSTEM "' + url + b'">]>' + _open(b"&s;")[len(HEAD):],
                "DOCTYPE"),
        Hostile("parameter-entity", HEAD + b'<!DOCTYPE x [<!ENTITY % p SYSTEM "' + url + b'"> %p;]>'
                + _open(b"")[len(HEAD):], "DOCTYPE"),
        Hostile("external-dtd", HEAD + b'<!DOCTYPE x SYSTEM "' + file_url + b'">' + _open(b"")[len(HEAD):], "DOCTYPE"),
        Hostile("unused-doctype", HEAD + b"<!DOCTYPE jw301:Bericht []>" + valid[valid.index(b"<jw301:Bericht"):],
                "DOCTYPE"),
        Hostile("xinclude-file", valid.replace(header, header + b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude"'
                                               b' href="' + file_url + b'" parse="text"/>', 1), "not expected", "XSD"),
        Hostile("xinclude-http", valid.replace(header, header + b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude"'
                                               b' href="' + url + b'"/>', 1), "not expected", "XSD"),
        Hostile("processing-instruction", valid.replace(header, header + b"<?php system('id'); ?>", 1),
                "processing instruction"),
        Hostile("stylesheet-pi", valid.replace(b"?>", b'?><?xml-stylesheet href="' + url + b'"?>', 1),
                "processing instruction"),
        Hostile("text-node-60mb", _open(b"<jw301:Header>" + b"A" * (60 * MB) + b"</jw301:Header>"), "limit"),
        Hostile("text-node-30mb", _open(b"<jw301:Header>" + b"A" * (30 * MB) + b"</jw301:Header>"), "XML"),
        Hostile("nesting-200000", HEAD + b"<a>" * 200_000 + b"</a>" * 200_000, "deep"),
        Hostile("nesting-200000-open", _open(b"<jw301:x>" * 200_000), "deep"),
        Hostile("many-elements", _open(b"<x/>" * 3_000_000), "tags and attributes"),
        Hostile("many-attributes", HEAD + b"<jw301:Bericht " + NS301 + b" "
                + b" ".join(b'a%x=""' % i for i in range(300_000)) + b"/>", "attributes"),
        Hostile("empty", b"", "empty"),
        Hostile("whitespace", b" \r\n\t ", "empty"),
        Hostile("random-bytes", bytes(rng.randrange(256) for _ in range(4096)), "XML"),
        Hostile("zero-bytes", b"\x00" * 1000, "XML"),
        Hostile("truncated", valid[: len(valid) // 2], "truncated"),
        Hostile("truncated-in-declaration", valid[:20], "XML"),
        Hostile("utf16", _declared(valid, b"UTF-16").decode().encode("utf-16"),
                "UTF-16", "OP192"),
        Hostile("bom", b"\xef\xbb\xbf" + valid, "byte order mark", "OP192"),
        Hostile("latin1", _declared(valid, b"ISO-8859-1"), "ISO-8859-1", "OP192"),
        Hostile("wrong-namespace", valid.replace(b"ijw/3_2/jw301/schema", b"ijw/3_1/jw301/schema"),
                "not an iJw 3.2 message"),
        Hostile("no-namespace", HEAD + b"<Bericht><Header/></Bericht>", "not an iJw 3.2 message"),
        Hostile("foreign-document", HEAD + b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
                "not an iJw 3.2 message"),
        Hostile("unknown-message-type", HEAD + b'<Bericht xmlns="http://www.istandaarden.nl/ijw/3_2/jw399/schema"/>',
                "not an iJw 3.2 message"),
        Hostile("html", b"<!doctype html><html><body>hi</body></html>", "XML"),
        Hostile("json", b'{"bericht": "JW301"}', "XML"),
    ]


def write_secret(directory: Path) -> Path:
    secret = directory / "secret.txt"
    secret.write_text(SECRET + "\n")
    os.utime(secret, (0, secret.stat().st_mtime))  # atime 0: a read would (on most mounts) update it
    return secret
