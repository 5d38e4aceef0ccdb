"""``ijw start`` / ``ijw stop`` and ``ijw.start`` / ``ijw.stop``: the provider's JW305 / JW307 for a JW301.

Every message written passes our validation and the official XSD; every wrong option or
file is one sentence on stderr with the exit code of ``cli.exit_code``, and writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.messages.codelists import REDEN_BEEINDIGING
from tests.conftest import OfficialSchemas

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "berichten" / "jw301-toewijzing.xml"
TODAY = "2026-05-06"  # the example assigns 202600001 from 2026-04-27 to 2026-10-26


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def two_products(tmp_path: Path) -> Path:
    """The example JW301 with a second product (ToewijzingNummer 202600002)."""
    model = ijw.parse(EXAMPLE.read_bytes())
    first = model.Client.ToegewezenProducten.ToegewezenProduct[0]
    product = first.Product.model_copy(update={"Code": "45A56"})  # another product: no overlap (TR302)
    second = first.model_copy(update={"ToewijzingNummer": 202600002, "Product": product,
                                      "Ingangsdatum": date(2026, 5, 1)})
    producten = model.Client.ToegewezenProducten.model_copy(update={"ToegewezenProduct": [first, second]})
    client = model.Client.model_copy(update={"ToegewezenProducten": producten})
    path = tmp_path / "two.xml"
    path.write_bytes(ijw.to_xml(model.model_copy(update={"Client": client})))
    return path


def test_start_writes_a_valid_jw305_for_the_toewijzing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], official: OfficialSchemas
) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(["start", str(EXAMPLE), "--begindatum", "2026-05-04", "--today", TODAY,
                             "--out", str(out)], capsys)
    assert (code, err) == (0, "")
    (written,) = out.iterdir()
    assert written.name.startswith("JW305-") and str(written) in stdout
    assert "999900006" not in stdout  # the BSN goes into the message only
    data = written.read_bytes()
    assert official.accepts("JW305", data)
    assert ijw.validate(data, today=date(2026, 5, 6)).valid
    message, toewijzing = ijw.parse(data), ijw.parse(EXAMPLE.read_bytes())
    assert (message.Header.Afzender, message.Header.Ontvanger) == (toewijzing.Header.Ontvanger,
                                                                  toewijzing.Header.Afzender)
    assert message.Header.BerichtIdentificatie.Dagtekening == date(2026, 5, 6)
    (product,) = message.Client.StartProducten.StartProduct
    assigned = toewijzing.Client.ToegewezenProducten.ToegewezenProduct[0]
    assert (product.ToewijzingNummer, product.Product, product.ToewijzingIngangsdatum, product.Begindatum,
            product.StatusAanlevering) == (assigned.ToewijzingNummer, assigned.Product, assigned.Ingangsdatum,
                                           date(2026, 5, 4), "1")
    assert message.Client.Bsn == toewijzing.Client.Bsn
    # the same options again: the same message under the same name
    assert run(["start", str(EXAMPLE), "--begindatum", "2026-05-04", "--today", TODAY, "--out", str(out)],
               capsys)[0] == 0
    assert [p.name for p in out.iterdir()] == [written.name] and written.read_bytes() == data


@pytest.mark.parametrize("reden", list(REDEN_BEEINDIGING))
def test_stop_writes_a_valid_jw307_for_every_reden(
    reden: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], official: OfficialSchemas
) -> None:
    code, stdout, err = run(["stop", str(EXAMPLE), "--begindatum", "2026-05-04", "--einddatum", "2026-06-01",
                             "--reden", reden, "--today", "2026-06-03", "--out", str(tmp_path)], capsys)
    assert (code, err) == (0, "")
    (written,) = tmp_path.glob("JW307-*.xml")
    data = written.read_bytes()
    assert official.accepts("JW307", data)
    assert ijw.validate(data, today=date(2026, 6, 3)).valid
    (product,) = ijw.parse(data).Client.StopProducten.StopProduct
    assert (product.Begindatum, product.Einddatum, product.RedenBeeindiging) == (date(2026, 5, 4),
                                                                                date(2026, 6, 1), reden)
    assert REDEN_BEEINDIGING[reden] in stdout


def test_a_jw301_of_two_products_asks_which_and_starts_the_ones_chosen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], official: OfficialSchemas
) -> None:
    source = two_products(tmp_path)
    out = tmp_path / "out"
    code, _, err = run(["start", str(source), "--begindatum", "2026-05-04", "--today", TODAY, "--out", str(out)],
                       capsys)
    assert code == 2
    assert err == ("ijw: the JW301 assigns 2 products (ToewijzingNummer 202600001, 202600002): choose one or more "
                   "with --toewijzing NUMMER\n")
    assert not out.exists()
    code, _, _ = run(["start", str(source), "--toewijzing", "202600002", "--begindatum", "2026-05-04",
                      "--today", TODAY, "--out", str(out)], capsys)
    assert code == 0
    (one,) = out.iterdir()
    assert [p.ToewijzingNummer for p in ijw.parse(one.read_bytes()).Client.StartProducten.StartProduct] == [
        202600002]
    one.unlink()
    code, _, _ = run(["start", str(source), "--toewijzing", "202600002", "--toewijzing", "202600001",
                      "--begindatum", "2026-05-04", "--today", TODAY, "--out", str(out)], capsys)
    assert code == 0
    (both,) = out.iterdir()
    assert official.accepts("JW305", both.read_bytes())
    assert [p.ToewijzingNummer for p in ijw.parse(both.read_bytes()).Client.StartProducten.StartProduct] == [
        202600002, 202600001]


def _invalid_jw301(tmp_path: Path) -> Path:
    """Schema-valid, but its Einddatum lies before its Ingangsdatum (CS003)."""
    text = EXAMPLE.read_text().replace("<jw301:Einddatum>2026-10-26", "<jw301:Einddatum>2026-04-01")
    path = tmp_path / "invalid.xml"
    path.write_text(text)
    return path


START = ["--begindatum", "2026-05-04", "--today", TODAY]
STOP = ["--begindatum", "2026-05-04", "--einddatum", "2026-06-01", "--reden", "31", "--today", "2026-06-03"]


def _without(args: list[str], option: str) -> list[str]:
    i = args.index(option)
    return args[:i] + args[i + 2:]


def _with(args: list[str], option: str, value: str) -> list[str]:
    i = args.index(option)
    return [*args[:i + 1], value, *args[i + 2:]]


@pytest.mark.parametrize(("command", "args", "code", "message"), [
    ("start", _without(START, "--begindatum"), 2, "--begindatum DATE is required: the day care actually started"),
    ("start", _with(START, "--begindatum", "4-5-2026"), 2, "--begindatum 4-5-2026: expected a date as YYYY-MM-DD"),
    ("start", _with(START, "--begindatum", "2026-04-26"), 2,
     "--begindatum 2026-04-26: lies before the Ingangsdatum 2026-04-27 of toewijzing 202600001"),
    ("start", _with(START, "--begindatum", "2026-10-27"), 2,
     "--begindatum 2026-10-27: lies after the Einddatum 2026-10-26 of toewijzing 202600001"),
    ("start", _with(START, "--begindatum", "2026-05-07"), 2,
     "--begindatum 2026-05-07: lies after the Dagtekening 2026-05-06"),
    ("start", [*START, "--toewijzing", "12345"], 2,
     "--toewijzing 12345: the JW301 holds no such ToewijzingNummer (it holds 202600001)"),
    ("start", _with(START, "--today", "06-05-2026"), 2, "--today 06-05-2026: expected a date as YYYY-MM-DD"),
    ("stop", _without(STOP, "--einddatum"), 2, "--einddatum DATE is required: the last day of care"),
    ("stop", _without(STOP, "--begindatum"), 2, "--begindatum DATE is required"),
    ("stop", _without(STOP, "--reden"), 2, "--reden CODE is required: the RedenBeeindiging (JZ588), one of 02"),
    ("stop", _with(STOP, "--reden", "99"), 2, "--reden 99: not a RedenBeeindiging of JZ588; expected one of 02 "
                                               "(Overlijden), 20 (Levering tijdelijk beëindigd)"),
    ("stop", _with(STOP, "--einddatum", "2026-05-03"), 2,
     "--einddatum 2026-05-03: lies before the begindatum 2026-05-04"),
    ("stop", _with(_with(STOP, "--einddatum", "2026-10-27"), "--today", "2026-11-02"), 2,
     "--einddatum 2026-10-27: lies after the Einddatum 2026-10-26 of toewijzing 202600001"),
    ("stop", _with(STOP, "--einddatum", "2026-06-04"), 2,
     "--einddatum 2026-06-04: lies after the Dagtekening 2026-06-03"),
])
def test_every_wrong_option_is_one_sentence_and_writes_nothing(
    command: str, args: list[str], code: int, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    got, stdout, err = run([command, str(EXAMPLE), *args, "--out", str(out)], capsys)
    assert got == code, err
    assert err.startswith(f"ijw: {message}") and err.count("\n") == 1 and "Traceback" not in err
    assert stdout == "" and not out.exists()


@pytest.mark.parametrize("command", ["start", "stop"])
@pytest.mark.parametrize(("make", "code", "message"), [
    (lambda tmp: tmp / "missing.xml", 2, "missing.xml: no such file; expected a received JW301 file"),
    (lambda tmp: tmp, 2, ": this is a directory; expected a received JW301 file"),
    (lambda tmp: Path(__file__).resolve().parents[2] / "examples" / "berichten" / "jw305-start-zorg.xml", 2,
     "jw305-start-zorg.xml: this is a JW305; expected a received JW301 toewijzing"),
    (lambda tmp: (tmp / "text.xml", (tmp / "text.xml").write_text("not xml"))[0], 2,
     "text.xml: this is not an iJw message"),
    (_invalid_jw301, 1, "invalid.xml: the JW301 is invalid (CS003 at "),
])
def test_every_wrong_file_is_one_sentence_and_writes_nothing(
    command: str, make: object, code: int, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make(tmp_path)  # type: ignore[operator]
    out = tmp_path / "out"
    args = START if command == "start" else STOP
    got, stdout, err = run([command, str(source), *args, "--out", str(out)], capsys)
    assert got == code, err
    assert message in err and err.startswith("ijw: ") and err.count("\n") == 1 and "Traceback" not in err
    assert stdout == "" and not out.exists()


def test_the_library_starts_and_stops_from_bytes_a_path_or_a_model(tmp_path: Path) -> None:
    data = EXAMPLE.read_bytes()
    for source in (data, EXAMPLE, str(EXAMPLE), ijw.parse(data)):
        started = ijw.start(source, begindatum=date(2026, 5, 4), today=date(2026, 5, 6))
        assert started.path is None and started.recorded is None  # nothing written without out
        assert isinstance(started.model, ijw.JW305) and started.producten == ("202600001",)
    stopped = ijw.stop(data, begindatum=date(2026, 5, 4), einddatum=date(2026, 6, 1), reden="20",
                       today=date(2026, 6, 1), out=tmp_path)
    assert isinstance(stopped.model, ijw.JW307)
    assert stopped.path == tmp_path / stopped.filename and stopped.path.read_bytes() == stopped.data
    assert ijw.validate(stopped.data, today=date(2026, 6, 1)).valid


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: ijw.start(42, begindatum=date(2026, 5, 4)), ijw.UsageError,
     "expected the toewijzing as bytes, a file path or a JW301, got int"),
    (lambda: ijw.start(EXAMPLE, begindatum="2026-05-04", today=date(2026, 5, 6)), ijw.UsageError,
     "--begindatum must be a date"),
    (lambda: ijw.start(EXAMPLE, begindatum=date(2026, 5, 4), today=date(2026, 5, 6), toewijzingnummers=[1]),
     ijw.UsageError, "--toewijzing 1: the JW301 holds no such ToewijzingNummer"),
    (lambda: ijw.stop(EXAMPLE, begindatum=date(2026, 5, 4), einddatum=date(2026, 5, 5), reden="21",
                      today=date(2026, 5, 6)), ijw.UsageError, "--reden 21: not a RedenBeeindiging of JZ588"),
    (lambda: ijw.start(EXAMPLE.parent / "nope.xml", begindatum=date(2026, 5, 4)), ijw.InputFileError,
     "nope.xml: no such file"),
    (lambda: ijw.start(b"<a/>", begindatum=date(2026, 5, 4)), ijw.UsageError, "this is not an iJw message"),
])
def test_the_library_raises_the_same_errors(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(")):
        call()  # type: ignore[operator]


def test_an_invalid_toewijzing_raises_a_message_error_with_its_findings(tmp_path: Path) -> None:
    with pytest.raises(ijw.MessageError) as raised:
        ijw.start(_invalid_jw301(tmp_path), begindatum=date(2026, 5, 4), today=date(2026, 5, 6))
    assert [f.rule for f in raised.value.findings if f.severity == "error"] == ["CS003"]


@settings(max_examples=40, deadline=None)
@given(begin=st.dates(date(2026, 4, 1), date(2026, 11, 30)), after=st.integers(0, 60),
       reden=st.sampled_from(list(REDEN_BEEINDIGING)))
def test_any_start_and_stop_within_the_toewijzing_is_valid_and_any_outside_is_refused(
    begin: date, after: int, reden: str
) -> None:
    """The example assigns 202600001 from 2026-04-27 to 2026-10-26; the Dagtekening is 2026-12-01."""
    today = date(2026, 12, 1)
    inside = date(2026, 4, 27) <= begin <= date(2026, 10, 26)
    if not inside:
        outside = r"^--begindatum .*: lies (before the Ingangsdatum|after the Einddatum)"
        with pytest.raises(ijw.UsageError, match=outside):
            ijw.start(EXAMPLE, begindatum=begin, today=today)
        return
    started = ijw.start(EXAMPLE, begindatum=begin, today=today)
    assert started.message.valid and ijw.validate(started.data, today=today).valid
    end = begin + timedelta(days=after)
    if end > date(2026, 10, 26):
        with pytest.raises(ijw.UsageError, match=r"^--einddatum .*: lies after the Einddatum 2026-10-26"):
            ijw.stop(EXAMPLE, begindatum=begin, einddatum=end, reden=reden, today=today)
        return
    stopped = ijw.stop(EXAMPLE, begindatum=begin, einddatum=end, reden=reden, today=today)
    assert ijw.validate(stopped.data, today=today).valid
    (product,) = ijw.parse(stopped.data).Client.StopProducten.StopProduct
    assert (product.Begindatum, product.Einddatum, product.RedenBeeindiging) == (begin, end, reden)


def test_another_day_is_another_message_with_its_own_identificatie() -> None:
    """TR056: an Identificatie is never used again for a message with other content."""
    one = ijw.start(EXAMPLE, begindatum=date(2026, 5, 4), today=date(2026, 5, 6))
    again = ijw.start(EXAMPLE, begindatum=date(2026, 5, 4), today=date(2026, 5, 6))
    later = ijw.start(EXAMPLE, begindatum=date(2026, 5, 4), today=date(2026, 5, 7))
    other = ijw.start(EXAMPLE, begindatum=date(2026, 5, 5), today=date(2026, 5, 6))
    assert one.data == again.data and one.filename == again.filename
    assert len({one.filename, later.filename, other.filename}) == 3
