"""What a document that is not an iJw 3.2 message is, in words a sender can act on."""

from __future__ import annotations

import re

from lxml import etree

_ISTANDAARD = re.compile(r"^https?://www\.istandaarden\.nl/(?P<standaard>i?[a-z]+)/(?P<versie>\d+)_(?P<sub>\d+)/"
                         r"(?P<bericht>[a-z]+\d+)/schema$")
_EXAMPLE_NAMESPACE = "http://www.istandaarden.nl/ijw/3_2/jw301/schema"
_SUPPORTED = f"iJw 3.2 messages (namespaces like {_EXAMPLE_NAMESPACE})"


def describe_foreign_root(root: etree._Element) -> str:
    """One sentence on a root element that names no iJw 3.2 message type."""
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    found = _ISTANDAARD.match(namespace)
    if found:
        standaard, versie = found["standaard"].lower(), f"{found['versie']}.{found['sub']}"
        bericht = found["bericht"].upper()
        if standaard == "iwmo":
            return f"not an iJw 3.2 message: this is an iWmo {versie} {bericht}; only {_SUPPORTED} are supported"
        if standaard == "ijw" and versie != "3.2":
            return (f"not an iJw 3.2 message: this is an iJw {versie} {bericht}; iJw {versie} is superseded by "
                    "iJw 3.2, the only release supported")
        if standaard == "ijw" and qname.localname != "Bericht":
            return (f"not an iJw 3.2 message: the root element is '{qname.localname}', an iJw {bericht} message "
                    "starts with 'Bericht'")
        if standaard == "ijw":
            return f"not an iJw 3.2 message: '{bericht}' is no iJw 3.2 message type (JW301, JW302, JW305 … JW325)"
        return f"not an iJw 3.2 message: this is an {standaard} {versie} {bericht}; only {_SUPPORTED} are supported"
    what = f"the root element '{qname.localname}' in " + (f"namespace '{namespace}'" if namespace else "no namespace")
    return (f"not an iJw 3.2 message: {what} (expected 'Bericht' in an iJw 3.2 namespace such as "
            f"{_EXAMPLE_NAMESPACE})")
