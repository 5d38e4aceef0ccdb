"""The checked message: what validating one message produces, once, for every later step.

Validation parses and judges a message once; retourberichten, decisions (besluit), file
writing and the ledger take this value and never parse or validate the bytes again. The
typed model is built only when a caller asks for it (most messages are only judged).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from lxml import etree

from ijw_gateway.messages.identificatie import content_digest
from ijw_gateway.messages.registry import Berichttype
from ijw_gateway.validation.findings import MessageReport

if TYPE_CHECKING:
    from ijw_gateway.messages.xsd import IjwModel

__all__ = ["CheckedMessage"]


class CheckedMessage:
    """One message as validation left it: its bytes, type, tree and verdict.

    ``tree`` and ``berichttype`` are None when the bytes are not a (known) iJw message;
    ``xsd_valid`` says whether the tree passed its XSD, so that ``model`` can be read.
    """

    def __init__(
        self,
        data: bytes,
        report: MessageReport,
        berichttype: Berichttype | None = None,
        tree: etree._ElementTree | None = None,
        *,
        xsd_valid: bool = False,
        trusted: bool = True,
        model: IjwModel | None = None,
    ) -> None:
        self.data = data
        self.report = report
        self.berichttype = berichttype
        self.tree = tree
        self.xsd_valid = xsd_valid
        self._trusted = trusted
        if model is not None:
            self.__dict__["model"] = model

    @property
    def valid(self) -> bool:
        return self.report.valid

    @property
    def bericht(self) -> str | None:
        return self.berichttype.naam if self.berichttype is not None else None

    @cached_property
    def digest(self) -> str:
        """The content digest of the bytes (tells the same message seen again from another one)."""
        return self.report.digest or content_digest(self.data)

    @cached_property
    def model(self) -> IjwModel | None:
        """The typed model (JW301, JW315, …), built from the tree on first use; None unless schema-valid."""
        if not self.xsd_valid or self.tree is None or self.berichttype is None:
            return None
        from ijw_gateway.messages.codec import UnreadableMessage, from_tree  # the models: loaded when first asked

        try:
            return from_tree(self.tree, self.berichttype, trusted=self._trusted)
        except UnreadableMessage:
            return None

    def __repr__(self) -> str:
        return f"CheckedMessage({self.report.file or '<bytes>'!r}, {self.bericht}, valid={self.valid})"
