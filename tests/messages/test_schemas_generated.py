"""schemas/ is generated from the models: the committed files must equal what the generator writes."""

from ijw_gateway.messages import xsdgen
from ijw_gateway.resources import data_dir


def test_committed_schemas_are_what_the_models_generate() -> None:
    directory = data_dir("schemas")
    generated = xsdgen.generate()
    stale = [name for name, content in generated.items() if (directory / name).read_bytes() != content]
    assert not stale, f"schemas out of date, run `make schemas`: {stale}"
    extra = {p.name for p in directory.glob("*.xsd")} - set(generated)
    assert not extra, f"schemas/ holds files the generator does not write: {extra}"


def test_schemas_are_not_copies_of_the_official_files(reference) -> None:
    official = reference / "ijw-3.2" / "xsd"
    for ours in data_dir("schemas").glob("*.xsd"):
        assert ours.read_bytes() != (official / ours.name).read_bytes()
