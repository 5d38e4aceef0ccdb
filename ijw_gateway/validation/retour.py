"""Retourberichten (JW302 on a JW301, JW316 on a JW315, …) as IV028 and IV032 prescribe.

* XSD-invalid (controleniveau 1): no retourbericht; the sender gets the findings.
* Rejected on a rule of controleniveau 2 (retourcode 0001): only the Header, with 0001
  and the XsltVersie (the version of our rule set).
* No findings: only the Header, without retourcodes.
* Findings of controleniveau 3 or 4 in the Header: only the Header, with those codes.
* Otherwise every berichtklasse is copied with its retourcodes: the codes of the rules
  broken in that class, 0200 where there is nothing to report, and 0233 for a class
  that was not judged because a class above it was rejected.

The retour models subclass the heen models, so the copy is a walk over the layout.
"""

from datetime import date
from typing import Any

from ijw_gateway import __version__
from ijw_gateway.messages.identificatie import identificatie
from ijw_gateway.messages.layout import elements
from ijw_gateway.messages.registry import RETOUR_OF, Berichttype
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.findings import RETOURCODE_TECHNISCH, RULE_XML, RULE_XSD, Finding, MessageReport

GEEN_OPMERKING = "0200"
NIET_BEOORDEELD = "0233"
XSLT_VERSIE = __version__
"""Our rule set stands in for the standard's XSLTs; IV033 asks for its version on a 0001 rejection."""


NO_RETOURBERICHT = {
    "JW323": "a declaration is answered by the gemeente's Declaratie-antwoord (JW325), its decision on the "
             "prestaties, which ijw-gateway does not write yet",
    "JW325": "a Declaratie-antwoord is itself the answer to a declaration; the standard answers it with nothing",
}
"""Why a schema-valid message of these types gets no retourbericht from ``--retour-dir`` or ``ijw respond``."""


def why_no_retourbericht(report: MessageReport) -> str | None:
    """Why ``report``'s message gets no retourbericht though it passed its XSD (a JW323, a JW325); else None.

    A message that fails XML or XSD gets none whatever its type (IV032, controleniveau 1).
    """
    if report.bericht not in NO_RETOURBERICHT:
        return None
    if any(f.rule in (RULE_XML, RULE_XSD) and f.severity == "error" for f in report.findings):
        return None
    return NO_RETOURBERICHT[report.bericht]


def _errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def _class_path(parent: str, prefix: str, name: str, position: int | None) -> str:
    return f"{parent}/{prefix}:{name}" + (f"[{position}]" if position is not None else "")


def _deepest_class(path: str, classes: list[str]) -> str | None:
    owners = [c for c in classes if path == c or path.startswith(c + "/")]
    return max(owners, key=len) if owners else None


def _class_paths(model: IjwModel, retour_cls: type[IjwModel], path: str, prefix: str) -> list[str]:
    """Canonical (heen) paths of every berichtklasse: the retour classes that carry RetourCodes."""
    found = [path] if "RetourCodes" in retour_cls.model_fields else []
    for element in elements(retour_cls):
        if element.complex_type is None or element.name == "RetourCodes":
            continue
        value = getattr(model, element.name, None)
        if value is None:
            continue
        items = value if element.repeated else [value]
        for i, item in enumerate(items, 1):
            child_path = _class_path(path, prefix, element.name, i if element.repeated else None)
            found += _class_paths(item, element.complex_type, child_path, prefix)
    return found


def _copy(model: IjwModel, retour_cls: type[IjwModel], path: str, prefix: str, codes: dict[str, list[str]]) -> Any:
    data: dict[str, Any] = {}
    for element in elements(retour_cls):
        if element.name == "RetourCodes":
            data["RetourCodes"] = {"RetourCode": codes[path]}
            continue
        value = getattr(model, element.name, None)
        if value is None or element.complex_type is None:
            if value is not None:
                data[element.name] = value
            continue
        if element.complex_type.xsd_namespace != retour_cls.xsd_namespace:  # a basisschema type: copy as it is
            data[element.name] = value
            continue
        items = value if element.repeated else [value]
        copies = [
            _copy(item, element.complex_type,
                  _class_path(path, prefix, element.name, i if element.repeated else None), prefix, codes)
            for i, item in enumerate(items, 1)
        ]
        data[element.name] = copies if element.repeated else copies[0]
    return data


def build_retour(checked: CheckedMessage, today: date) -> IjwModel | None:
    """The retourbericht on a validated heenbericht, or None when the standard sends none."""
    berichttype = checked.berichttype
    if berichttype is None or berichttype.naam not in RETOUR_OF or not checked.xsd_valid:
        return None
    message = checked.model
    if message is None:
        return None
    retour_type: Berichttype = RETOUR_OF[berichttype.naam]
    retour_model = retour_type.model
    header_cls = retour_model.model_fields["Header"].annotation
    if "IdentificatieRetour" not in header_cls.model_fields:  # type: ignore[union-attr]
        return None  # a JW325 answers a declaration with amounts awarded: a decision, not a retourbericht
    prefix = berichttype.namespace.prefix
    root_path = f"/{prefix}:Bericht"
    header_path = f"{root_path}/{prefix}:Header"
    errors = _errors(checked.report.findings)

    header: dict[str, Any] = dict(message.Header)  # type: ignore[attr-defined]
    header.pop("BerichtCode")
    header.update(IdentificatieRetour=identificatie(checked.data), DagtekeningRetour=today)

    def header_only(codes: list[str] | None, xslt: bool = False) -> IjwModel:
        fields = dict(header)
        if xslt:
            fields["XsltVersie"] = XSLT_VERSIE
        if codes:
            fields["RetourCodes"] = {"RetourCode": codes}
        return retour_model.model_validate({"Header": header_cls.model_validate(fields)})

    if not errors:
        return header_only(None)
    if any(f.retourcode == RETOURCODE_TECHNISCH for f in errors):
        return header_only([RETOURCODE_TECHNISCH], xslt=True)
    in_header = [f for f in errors if f.path and f.path.startswith(header_path)]
    if in_header:
        return header_only(sorted({f.retourcode for f in in_header}))

    body_name = next(e.name for e in elements(retour_model) if e.name != "Header")
    body_cls = next(e.complex_type for e in elements(retour_model) if e.name == body_name)
    assert body_cls is not None
    body = getattr(message, body_name)
    body_path = f"{root_path}/{prefix}:{body_name}"
    classes = _class_paths(body, body_cls, body_path, prefix)
    codes: dict[str, list[str]] = {c: [] for c in classes}
    for finding in errors:
        owner = _deepest_class(finding.path or body_path, classes) or body_path
        codes.setdefault(owner, []).append(finding.retourcode)
    rejected = [c for c, found in codes.items() if found]
    for cls_path in classes:
        if codes[cls_path]:
            codes[cls_path] = sorted(set(codes[cls_path]))
        elif any(cls_path.startswith(r + "/") for r in rejected):
            codes[cls_path] = [NIET_BEOORDEELD]
        else:
            codes[cls_path] = [GEEN_OPMERKING]
    header["RetourCodes"] = {"RetourCode": [GEEN_OPMERKING]}
    return retour_model.model_validate(
        {"Header": header_cls.model_validate(header), body_name: _copy(body, body_cls, body_path, prefix, codes)}
    )
