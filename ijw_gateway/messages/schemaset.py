"""Compiled XSDs of a schema directory: ours (``schemas/``) or another copy, e.g. the official release."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from ijw_gateway.errors import UsageError
from ijw_gateway.messages.registry import BERICHTTYPEN, Berichttype
from ijw_gateway.resources import data_dir


@dataclass
class SchemaSet:
    """The message schemas found in one directory, compiled on first use."""

    directory: Path
    _compiled: dict[str, etree.XMLSchema] = field(default_factory=dict, repr=False)
    _available: dict[str, bool] = field(default_factory=dict, repr=False)

    def available(self, berichttype: Berichttype) -> bool:
        known = self._available.get(berichttype.naam)
        if known is None:
            known = self._available[berichttype.naam] = (self.directory / berichttype.schema_filename).is_file()
        return known

    def schema(self, berichttype: Berichttype) -> etree.XMLSchema:
        compiled = self._compiled.get(berichttype.naam)
        if compiled is None:
            path = self.directory / berichttype.schema_filename
            if not path.is_file():
                raise UsageError(f"the schema directory {self.directory} has no {berichttype.schema_filename}")
            parser = etree.XMLParser(no_network=True, resolve_entities=False)
            try:
                compiled = etree.XMLSchema(etree.parse(str(path), parser))
            except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
                raise UsageError(f"{path} is not a usable XML Schema: {error}") from None
            self._compiled[berichttype.naam] = compiled
        return compiled


@cache
def schema_set(directory: Path | None = None) -> SchemaSet:
    """The schema set of ``directory`` (default: our own ``schemas/``), shared per process."""
    if directory is None:
        directory = data_dir("schemas")
    directory = Path(directory)
    if not directory.is_dir():
        raise UsageError(f"--schemas {directory}: not a directory (expected a directory with JW301.xsd, JW315.xsd, …)")
    if not any((directory / t.schema_filename).is_file() for t in BERICHTTYPEN.values()):
        raise UsageError(f"--schemas {directory}: no iJw message schemas in it (expected JW301.xsd, JW315.xsd, …)")
    return SchemaSet(directory.resolve())
