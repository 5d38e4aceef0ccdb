"""Parse untrusted bytes as XML, safely.

Every iJw message arrives from another party and is treated as hostile: no entity
is expanded, no DTD is loaded, nothing is fetched from the network, a document
with a DOCTYPE or a processing instruction is refused outright (an iJw message never
needs one), XInclude is never processed, and the size, the number of tags and
attributes and the nesting depth are bounded. A failure is an :class:`UnsafeOrMalformedXml` with
a message a user can act on — never an lxml exception.
"""

import threading
from dataclasses import dataclass
from functools import cache

from lxml import etree

DEFAULT_MAX_BYTES = 32 * 1024 * 1024
"""iJw messages are kilobytes; a large JW323 declaration a few megabytes."""

DEFAULT_MAX_DEPTH = 32
"""The deepest iJw message (JW302) nests 8 levels; 32 leaves room and stops abuse early."""

DEFAULT_MAX_MARKUP = 1_000_000
"""Tags and attributes ('<' and '=' in the bytes) before parsing: keeps the tree (and its memory) small.

A tree costs ~100 bytes per node, so 32 MiB of ``<a/>`` or ``a=""`` would take a gigabyte; a
legitimate message of a few megabytes has well under 200,000."""

DEFAULT_MAX_ATTRIBUTES = 1_000
"""iJw messages carry no attributes besides namespace declarations; each one is an XSD error."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_markup: int = DEFAULT_MAX_MARKUP
    max_attributes: int = DEFAULT_MAX_ATTRIBUTES


DEFAULT_LIMITS = Limits()


class UnsafeOrMalformedXml(ValueError):
    """The bytes are not a well-formed, safe XML document within the limits."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


_PARSERS = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser (a parser may be reused, but not by two threads at once)."""
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = _new_parser()
    return parser


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        collect_ids=False,
        remove_comments=False,
        remove_pis=False,
    )


@cache
def _too_deep(max_depth: int) -> etree.XPath:
    # Evaluated in C; stops at once on a shallow document.
    return etree.XPath("boolean(/" + "/".join(["*"] * (max_depth + 1)) + ")")


def _describe_syntax_error(error: etree.XMLSyntaxError, data: bytes) -> str:
    message = (error.msg or "not well-formed XML").strip()
    if not data.rstrip().endswith(b">") and data.lstrip().startswith(b"<"):
        return f"the XML document is truncated (it ends before its root element is closed): {message}"
    if "Excessive depth" in message or "Maximum depth" in message:
        return "the document nests elements too deeply to be an iJw message"
    if "Document is empty" in message or "Start tag expected" in message:
        return "the file does not contain an XML document (expected an iJw message starting with '<?xml' or '<')"
    if "Premature end of data" in message or "EndTag" in message or "expected '>'" in message:
        return f"the XML document is truncated or not well-formed: {message}"
    return f"not well-formed XML: {message}"


_DOCTYPE_REFUSED = (
    "the document has a DOCTYPE declaration; iJw messages never do, so it is refused "
    "(entities and DTDs are not processed)"
)
_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def parse(data: bytes, limits: Limits = DEFAULT_LIMITS, *, deferred: bool = False) -> etree._ElementTree:
    """Parse ``data`` into an element tree, or raise :class:`UnsafeOrMalformedXml`.

    ``deferred=True`` leaves the nesting limit to the caller (:func:`check_deferred`): a
    document that passes an iJw XSD nests at most 9 levels, so the validator checks depth
    only when the XSD fails. (libxml2 refuses more than 256 levels whatever is asked.)
    """
    if not data.strip():
        raise UnsafeOrMalformedXml("the file is empty (expected an iJw XML message)")
    if len(data) > limits.max_bytes:
        raise UnsafeOrMalformedXml(
            f"the file is {len(data):,} bytes, more than the limit of {limits.max_bytes:,} bytes for one message"
        )
    if b"!" in data and any(marker in data for marker in _DOCTYPE_MARKERS):  # refused before libxml2 sees it
        raise UnsafeOrMalformedXml(_DOCTYPE_REFUSED, 1)
    markup = 0 if len(data) <= limits.max_markup else data.count(b"<") + data.count(b"=")
    if markup > limits.max_markup:
        raise UnsafeOrMalformedXml(
            f"the document has about {markup:,} tags and attributes, more than the limit of "
            f"{limits.max_markup:,} for one message"
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise UnsafeOrMalformedXml(_describe_syntax_error(error, data), error.lineno) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeOrMalformedXml(_DOCTYPE_REFUSED, 1)
    if not deferred:
        check_deferred(tree, limits)
    if _more_than(data, b"=", limits.max_attributes):  # before the XSD, which would report every one of them
        attributes = int(_ATTRIBUTES(tree))
        if attributes > limits.max_attributes:
            raise UnsafeOrMalformedXml(
                f"the document has {attributes:,} attributes, more than the limit of {limits.max_attributes:,} "
                "(iJw messages have none)"
            )
    node = _processing_instruction(tree, data)
    if node is not None:
        raise UnsafeOrMalformedXml(
            f"the document contains a processing instruction (<?{node.target} …?>); iJw messages never do, "
            "so it is refused",
            node.sourceline,
        )
    return tree


_PROCESSING_INSTRUCTIONS = etree.XPath("/processing-instruction() | //processing-instruction()")
_ATTRIBUTES = etree.XPath("count(//@*)")


def check_deferred(tree: etree._ElementTree, limits: Limits = DEFAULT_LIMITS) -> None:
    """The nesting limit (see :func:`parse`): raise :class:`UnsafeOrMalformedXml`."""
    if _too_deep(limits.max_depth)(tree):
        raise UnsafeOrMalformedXml(f"the document nests elements more than {limits.max_depth} levels deep")


def _processing_instruction(tree: etree._ElementTree, data: bytes) -> etree._ProcessingInstruction | None:
    if b"\x00" not in data and _at_most_two(data, b"?"):
        return None  # no '?' beyond the XML declaration's two (in an ASCII-compatible encoding): no PI anywhere
    found = _PROCESSING_INSTRUCTIONS(tree)
    return found[0] if found else None


def _more_than(data: bytes, byte: bytes, limit: int) -> bool:
    """``data.count(byte) > limit``, found with ``find`` (memchr): a message has a handful of '=', and
    counting them would read every byte at a fraction of memchr's speed. Stops after ``limit + 1``."""
    at = -1
    for _ in range(limit + 1):
        at = data.find(byte, at + 1)
        if at < 0:
            return False
    return True


def _at_most_two(data: bytes, byte: bytes) -> bool:
    """``data.count(byte) <= 2``, with three ``find`` calls (memchr) instead of a counting pass."""
    first = data.find(byte)
    second = -1 if first < 0 else data.find(byte, first + 1)
    return second < 0 or data.find(byte, second + 1) < 0
