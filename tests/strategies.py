"""Hypothesis strategies for valid iJw message models, derived from the model layout.

The values respect the facets our models declare; whether those facets are the
standard's is checked by the official XSDs in the tests, not assumed here.
"""

from datetime import date, time
from functools import cache
from typing import Any

from hypothesis import strategies as st

from ijw_gateway.messages.layout import elements
from ijw_gateway.messages.registry import BERICHTTYPEN, Berichttype
from ijw_gateway.messages.xsd import IjwModel, SimpleType, xsd_regex_to_python

# Printable text with the occasional accented letter, space, tab and line break.
ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs"),
    exclude_characters="\u2028\u2029\x85\xa0",
) | st.sampled_from(" \t\n")


def _merged(simple: SimpleType, name: str) -> Any:
    for link in simple.chain():
        value = getattr(link, name)
        if value is not None:
            return value
    return None


@cache
def simple_values(simple: SimpleType) -> st.SearchStrategy[Any]:
    codelist = _merged(simple, "codelist")
    if codelist is not None:
        return st.sampled_from(list(codelist))
    if simple.base == "integer":
        return st.integers(_merged(simple, "min_inclusive"), _merged(simple, "max_inclusive"))
    if simple.base == "date":
        return st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
    if simple.base == "time":
        return st.times(min_value=time(0, 0), max_value=time(23, 59, 59))
    low = _merged(simple, "min_length") or 0
    high = _merged(simple, "max_length") or 60
    patterns = [link.pattern for link in simple.chain() if link.pattern]
    if patterns:
        base = st.from_regex(xsd_regex_to_python(patterns[0]), fullmatch=True, alphabet=ALPHABET)
    else:
        base = st.text(ALPHABET, min_size=low, max_size=high)
    strategy = base.filter(lambda s: low <= len(s) <= high)
    for extra in patterns[1:]:
        import re

        regex = re.compile(xsd_regex_to_python(extra))
        strategy = strategy.filter(lambda s, r=regex: r.fullmatch(s) is not None)
    return strategy


@st.composite
def _complex(draw: st.DrawFn, model: type[IjwModel], depth: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for element in elements(model):
        field = model.model_fields[element.name]
        if field.default is not None and not field.is_required() and element.simple_type is not None:
            continue  # fixed values (BerichtCode, BerichtVersie) keep their default
        if element.optional and not draw(st.booleans()):
            continue
        item = _complex(element.complex_type, depth + 1) if element.complex_type else simple_values(element.simple_type)
        if element.repeated:
            data[element.name] = draw(st.lists(item, min_size=1, max_size=3 if depth < 4 else 1))
        else:
            data[element.name] = draw(item)
    return data


def messages(berichttype: Berichttype) -> st.SearchStrategy[IjwModel]:
    """Valid models of one message type."""
    return _complex(berichttype.model).map(berichttype.model.model_validate)


def any_message() -> st.SearchStrategy[IjwModel]:
    return st.sampled_from(list(BERICHTTYPEN.values())).flatmap(messages)
