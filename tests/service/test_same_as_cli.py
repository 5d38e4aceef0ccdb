"""The same message gets the same verdict over HTTP as from the CLI; map and build answer what the CLI writes."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from ijw_gateway.cli import main
from tests.service.conftest import BEPALING_01, BEPALING_02, EXAMPLES, Service, bepaling_json

MESSAGES = sorted((EXAMPLES / "berichten").glob("*.xml")) + sorted((EXAMPLES / "invalid").glob("*.xml"))
XML = {"content-type": "application/xml"}


def cli_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    main(args)
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_validate_is_one_entry_of_ijw_validate_json(service: Service, capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<jw301:Bericht xmlns:jw301='http://www.istandaarden.nl/ijw/3_2/jw301/schema'><oops/>")
    verdicts = []
    for path in [*MESSAGES, broken]:
        expected = cli_json(["validate", str(path), "--format", "json", "--today", "2026-05-04"], capsys)
        response = service.client.post("/v1/validate", params={"today": "2026-05-04", "name": str(path)},
                                       content=path.read_bytes(), headers={**XML, **service.auth("gemeente:0202")})
        assert response.status_code == 200, response.text
        assert response.json() == expected["results"][0], path.name
        verdicts.append(response.json()["valid"])
    assert verdicts[-2:] == [False, False]  # the invalid example and the broken one are judged, not refused


def test_batch_streams_what_ijw_validate_reports_in_order(service: Service, capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    names = []
    for index, path in enumerate([*MESSAGES, MESSAGES[0]]):  # the same message twice: TR056 within the batch
        target = folder / f"{index:02d}-{path.name}"
        target.write_bytes(path.read_bytes())
        names.append(target)
    expected = cli_json(["validate", str(folder), "--format", "json", "--today", "2026-05-04"], capsys)
    files = [("files", (str(p), p.read_bytes(), "application/xml")) for p in names]
    response = service.client.post("/v1/validate/batch", params={"today": "2026-05-04"}, files=files,
                                   headers=service.auth("gemeente:0202"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["result"] for line in lines[:-1]] == expected["results"]
    assert lines[-1] == {"summary": expected["summary"]}
    assert "TR056" in [f["rule"] for f in lines[-2]["result"]["findings"]]  # the second copy broke TR056

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for p in names:
            z.writestr(str(p), p.read_bytes())
    zipped = service.client.post("/v1/validate/batch", params={"today": "2026-05-04"}, content=archive.getvalue(),
                                 headers={"content-type": "application/zip", **service.auth("gemeente:0202")})
    assert zipped.status_code == 200
    assert zipped.text == response.text


@pytest.mark.parametrize("path", [BEPALING_01, BEPALING_02], ids=lambda p: p.stem)
def test_map_is_ijw_map_json(service: Service, capsys: pytest.CaptureFixture[str], path: Path) -> None:
    body = bepaling_json(path)
    gemeente = body["gemeente"]
    for all_regions in (False, True):
        expected = cli_json(["map", str(path), "--format", "json", *(["--all-regions"] if all_regions else [])],
                            capsys)
        response = service.client.post("/v1/map", params={"all_regions": all_regions}, json=body,
                                       headers=service.auth(f"gemeente:{gemeente}"))
        assert response.status_code == 200, response.text
        assert response.json() == expected


@pytest.mark.parametrize("path", [BEPALING_01, BEPALING_02], ids=lambda p: p.stem)
def test_build_answers_the_files_of_ijw_build(service: Service, capsys: pytest.CaptureFixture[str], path: Path,
                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out), "--dagtekening", "2026-05-04"]) == 0
    capsys.readouterr()
    body = bepaling_json(path)
    response = service.client.post("/v1/build", params={"dagtekening": "2026-05-04"}, json=body,
                                   headers=service.auth(f"gemeente:{body['gemeente']}"))
    assert response.status_code == 200, response.text
    built = response.json()
    assert built["recorded"] is None
    got = {m["file"]: m["xml"] for m in built["messages"]}
    written = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert got.keys() == written.keys()
    for name, text in got.items():
        # Toewijzingstijd is the clock time of the build: the two builds may fall in different seconds
        assert _timeless(text) == _timeless(written[name]), name


_TOEWIJZINGSTIJD = re.compile(r"(<jw301:Toewijzingstijd>)[0-9:]+(</jw301:Toewijzingstijd>)")


def _timeless(xml: str) -> list[str]:
    return _TOEWIJZINGSTIJD.sub(r"\1…\2", xml).splitlines()


def test_bad_bepaling_is_422_with_every_problem_as_the_cli_lists_them(service: Service,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     tmp_path: Path) -> None:
    body = bepaling_json(BEPALING_01, gemeente="9999", route="302")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(body))
    assert main(["map", str(bad)]) == 1
    err = capsys.readouterr().err
    response = service.client.post("/v1/map", json=body, headers=service.auth("gemeente:0222"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    for line in problem["problems"]:
        assert line in err
    assert "Traceback" not in response.text


def test_respond_answers_as_ijw_respond_and_records(service: Service, capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    jw315 = EXAMPLES / "berichten" / "jw315-verzoek-om-toewijzing.xml"
    out = tmp_path / "answers"
    assert main(["respond", str(jw315), "--out", str(out), "--today", "2026-05-04"]) in (0, 1)
    capsys.readouterr()
    response = service.client.post("/v1/respond", params={"today": "2026-05-04"}, content=jw315.read_bytes(),
                                   headers={**XML, **service.auth("gemeente:0202")})
    assert response.status_code == 200, response.text
    answer = response.json()
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    assert answer["retour"]["bericht"] == "JW316"
    assert answer["retour"]["xml"].encode() == written[f"{jw315.stem}-JW316.xml"]
    assert [m["bericht"] for m in answer["besluit"]] == [
        name.split("-")[-2] for name in sorted(written) if name != f"{jw315.stem}-JW316.xml"]
    assert answer["report"]["bericht"] == "JW315"
