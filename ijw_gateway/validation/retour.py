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

from dataclasses import dataclass
from datetime import date
from typing import Any

from ijw_gateway import __version__
from ijw_gateway.messages.identificatie import identificatie
from ijw_gateway.messages.layout import elements
from ijw_gateway.messages.registry import BERICHTTYPEN, RETOUR_OF
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.findings import RETOURCODE_TECHNISCH, Finding

GEEN_OPMERKING = "0200"
NIET_BEOORDEELD = "0233"
XSLT_VERSIE = __version__
"""Our rule set stands in for the standard's XSLTs; IV033 asks for its version on a 0001 rejection."""


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


def no_retour(checked: CheckedMessage) -> str | None:
    """Why the standard sends no retourbericht on ``checked``, in words; None when it sends one."""
    berichttype = checked.berichttype
    if berichttype is None:
        return "it is not an iJw message of a type we know, so there is nothing to answer"
    if not checked.xsd_valid:
        return "it failed its XSD (controleniveau 1), so the sender gets its findings instead (IV032)"
    if berichttype.heenbericht is not None:
        what = "Declaratie-antwoord" if berichttype.naam == "JW325" else "retourbericht"
        return (f"it is itself the answer to a {berichttype.heenbericht} (a {what}); "
                "the standard answers it with nothing")
    if berichttype.naam not in RETOUR_OF:
        return f"the standard answers a {berichttype.naam} with no retourbericht"
    answer = RETOUR_OF[berichttype.naam]
    if "IdentificatieRetour" not in answer.model.model_fields["Header"].annotation.model_fields:  # type: ignore[union-attr]
        # a JW325 answers a declaration with amounts awarded: a decision, not a retourbericht
        return (f"a {berichttype.naam} is answered with a {answer.naam} Declaratie-antwoord, the gemeente's decision "
                "on its prestaties, not with a retourbericht")
    if checked.model is None:
        return "it holds a value ijw-gateway cannot represent (a date before year 1 or after 9999)"
    return None


@dataclass(frozen=True)
class RetourKop:
    """What a retourbericht with only a Header needs of its heenbericht (small, picklable).

    A batch judges TR056 after the workers have written the retourberichten; a duplicate's
    retour is then rewritten from this, without reading or validating the message again.
    """

    bericht: str
    """The heenbericht's type (JW301, …)."""
    header: dict[str, Any]
    """The retour Header's fields taken from the heenbericht, with IdentificatieRetour and DagtekeningRetour."""


def retour_kop(checked: CheckedMessage, today: date) -> RetourKop | None:
    """The :class:`RetourKop` of ``checked``, or None when the standard sends it no retourbericht."""
    if no_retour(checked) is not None:
        return None
    assert checked.berichttype is not None and checked.model is not None
    header: dict[str, Any] = dict(checked.model.Header)  # type: ignore[attr-defined]
    header.pop("BerichtCode")
    header.update(IdentificatieRetour=identificatie(checked.data), DagtekeningRetour=today)
    return RetourKop(checked.berichttype.naam, header)


def _header_codes(kop: RetourKop, errors: list[Finding]) -> tuple[list[str] | None, bool] | None:
    """(RetourCodes, with XsltVersie) when the retour is a Header only (IV028/IV032), else None."""
    if not errors:
        return None, False
    if any(f.retourcode == RETOURCODE_TECHNISCH for f in errors):
        return [RETOURCODE_TECHNISCH], True
    prefix = BERICHTTYPEN[kop.bericht].namespace.prefix
    header_path = f"/{prefix}:Bericht/{prefix}:Header"
    in_header = [f for f in errors if f.path and f.path.startswith(header_path)]
    if in_header:
        return sorted({f.retourcode for f in in_header}), False
    return None


def header_only_retour(kop: RetourKop, findings: list[Finding]) -> IjwModel | None:
    """The retourbericht for ``findings`` when it is a Header only; None when it needs the body too."""
    codes = _header_codes(kop, _errors(findings))
    return None if codes is None else _header_only(kop, *codes)


def _header_only(kop: RetourKop, codes: list[str] | None, xslt: bool) -> IjwModel:
    retour_model = RETOUR_OF[kop.bericht].model
    header_cls = retour_model.model_fields["Header"].annotation
    fields = dict(kop.header)
    if xslt:
        fields["XsltVersie"] = XSLT_VERSIE
    if codes:
        fields["RetourCodes"] = {"RetourCode": codes}
    return retour_model.model_validate({"Header": header_cls.model_validate(fields)})  # type: ignore[union-attr]


def build_retour(checked: CheckedMessage, today: date) -> IjwModel | None:
    """The retourbericht on a validated heenbericht, or None when the standard sends none (:func:`no_retour`)."""
    kop = retour_kop(checked, today)
    if kop is None:
        return None
    errors = _errors(checked.report.findings)
    only = header_only_retour(kop, errors)
    if only is not None:
        return only
    berichttype, message = checked.berichttype, checked.model
    assert berichttype is not None and message is not None
    retour_model = RETOUR_OF[berichttype.naam].model
    header_cls = retour_model.model_fields["Header"].annotation
    prefix = berichttype.namespace.prefix
    root_path = f"/{prefix}:Bericht"
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
    header = dict(kop.header)
    header["RetourCodes"] = {"RetourCode": [GEEN_OPMERKING]}
    return retour_model.model_validate(
        {"Header": header_cls.model_validate(header),  # type: ignore[union-attr]
         body_name: _copy(body, body_cls, body_path, prefix, codes)}
    )
