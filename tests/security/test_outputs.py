"""Outputs never replace what is not ours, and only our own temporary files are ever removed.

Every command that writes runs as a user starts it (``python -m ijw_gateway.cli`` in a
subprocess): a character device or named pipe given as output is written through and stays
what it was; ``-`` is standard output; a symbolic link is followed and its target replaced
atomically, the link kept; a link of another user in a shared sticky directory is refused; a
directory is refused. The stale-temporary cleanup removes only files with our checksummed
name, of our user, of a process that no longer runs, in the directory written into.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.cli.test_misuse import ijw

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MESSAGES = EXAMPLES / "berichten"
EXAMPLE_COUNT = len(list(MESSAGES.glob("*.xml")))
TODAY = "2026-11-23"
BEPALING = EXAMPLES / "bepalingen" / "04-midden-ijssel-apeldoorn-315.yaml"
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="making a device or another user's file needs root")


def validate_json(*extra: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return ijw("validate", str(MESSAGES), "--today", TODAY, "--format", "json", *extra, cwd=cwd)


def one_sentence(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("ijw: "), done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


# ------------------------------------------------------------------ devices, pipes, standard output
@ROOT_ONLY
def test_a_character_device_is_written_through_and_stays_a_device(tmp_path: Path) -> None:
    """``-o /dev/null`` as root turned /dev/null into a regular file: here on a copy of it."""
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for args in (["validate", str(MESSAGES), "--today", TODAY, "--format", "json", "-o", str(null)],
                 ["ledger", "report", "--db", f"sqlite:///{_ledger(tmp_path)}", "-o", str(null)]):
        done = ijw(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert stat.S_ISCHR(null.lstat().st_mode), f"ijw {args[0]} replaced the device with a file"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_named_pipe_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = validate_json("-o", str(fifo), cwd=tmp_path)
    reader.join(30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the named pipe was replaced"
    assert json.loads(received[0])["summary"]["files"] == EXAMPLE_COUNT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.fifo"]


def test_dash_and_dev_stdout_are_standard_output(tmp_path: Path) -> None:
    done = validate_json("-o", "-", cwd=tmp_path)
    assert done.returncode == 0 and json.loads(done.stdout)["summary"]["files"] == EXAMPLE_COUNT
    assert not (tmp_path / "-").exists()
    with (tmp_path / "out.json").open("w") as redirected:  # `> out.json` with -o /dev/stdout: written through
        code = subprocess.run([sys.executable, "-m", "ijw_gateway.cli", "validate", str(MESSAGES), "--today", TODAY,
                               "--format", "json", "-o", "/dev/stdout"], stdout=redirected, cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False).returncode
    assert code == 0 and json.loads((tmp_path / "out.json").read_text())["summary"]["files"] == EXAMPLE_COUNT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


# ------------------------------------------------------------------ symbolic links
def test_a_link_is_followed_and_its_target_replaced_atomically(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "r.json"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(Path("reports") / "r.json")
    done = validate_json("-o", str(link), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("reports") / "r.json"), "the link was replaced"
    assert json.loads(target.read_text())["summary"]["files"] == EXAMPLE_COUNT
    assert stat.S_IMODE(target.stat().st_mode) == 0o640, "the file replaced keeps its mode"
    dangling = tmp_path / "new.json"
    dangling.symlink_to(tmp_path / "reports" / "created.json")
    assert validate_json("-o", str(dangling), cwd=tmp_path).returncode == 0
    assert dangling.is_symlink() and (tmp_path / "reports" / "created.json").is_file()
    assert [p.name for p in (tmp_path / "reports").iterdir() if p.name.startswith(".")] == []


def test_a_link_to_a_directory_is_refused_with_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "d")
    one_sentence(validate_json("-o", "link", cwd=tmp_path), "--output link", "is a directory")
    assert (tmp_path / "link").is_symlink() and list((tmp_path / "d").iterdir()) == []


@ROOT_ONLY
def test_another_users_link_in_a_sticky_shared_directory_is_not_followed(tmp_path: Path) -> None:
    """As the kernel's protected_symlinks: someone's /tmp/x.json -> ~/.bashrc must not be overwritten."""
    shared, victim = tmp_path / "tmp", tmp_path / "precious"
    shared.mkdir()
    shared.chmod(0o1777)
    victim.write_text("keep me")
    link = shared / "x.json"
    link.symlink_to(victim)
    os.lchown(link, 4242, 4242)
    one_sentence(validate_json("-o", str(link), cwd=tmp_path), "symbolic link of another user", "not followed")
    assert victim.read_text() == "keep me" and link.is_symlink()


@ROOT_ONLY
def test_a_file_replaced_keeps_its_owner(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    report.write_text("old")
    os.chown(report, 4242, 4343)
    assert validate_json("-o", str(report), cwd=tmp_path).returncode == 0
    assert (report.stat().st_uid, report.stat().st_gid) == (4242, 4343)


def test_links_in_output_directories_are_followed_not_replaced(tmp_path: Path) -> None:
    """--retour-dir, build --out and respond --out: a file there that is a link keeps being the link."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for directory, name in (("retour", "jw301-toewijzing-JW302.xml"),
                            ("built", "JVV-2026-000042-JW315-0200-42420001.xml"),
                            ("answers", "jw315-verzoek-om-toewijzing-JW316.xml")):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / name).symlink_to(elsewhere / name)
    assert ijw("validate", str(MESSAGES), "--today", TODAY, "--retour-dir", "retour", cwd=tmp_path).returncode == 0
    built = ijw("build", str(BEPALING), "--dagtekening", "2026-04-20", "--out", "built", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert ijw("respond", str(MESSAGES / "jw315-verzoek-om-toewijzing.xml"), "--today", TODAY, "--out", "answers",
               cwd=tmp_path).returncode == 0
    for directory in ("retour", "built", "answers"):
        links = [p for p in (tmp_path / directory).iterdir() if p.is_symlink()]
        assert len(links) == 1 and links[0].resolve().parent == elsewhere.resolve(), directory
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(
        ["jw301-toewijzing-JW302.xml", "JVV-2026-000042-JW315-0200-42420001.xml",
         "jw315-verzoek-om-toewijzing-JW316.xml"])
    assert all(b":BerichtCode>" in p.read_bytes() for p in elsewhere.iterdir())


def test_demo_dir_follows_a_link_to_a_directory_and_refuses_links_inside(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "demo").symlink_to(real)
    done = ijw("demo", "--dir", "demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "demo").is_symlink() and (real / "report.html").is_file()
    (real / "report.html").unlink()
    (tmp_path / "precious.html").write_text("keep me")
    (real / "report.html").symlink_to(tmp_path / "precious.html")
    one_sentence(ijw("demo", "--dir", "demo", cwd=tmp_path), "report.html is not an earlier demo's")
    assert (tmp_path / "precious.html").read_text() == "keep me"


# ------------------------------------------------------------------ stale temporary files
def _dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)


def _ours(name: str, pid: int) -> str:
    """Our temporary file name for ``name`` as process ``pid`` would make it."""
    code = (f"import os; os.getpid = lambda: {pid}; from ijw_gateway.files import _temporary_name; "
            f"print(_temporary_name({name!r}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.strip()


def test_users_files_that_look_temporary_are_never_removed(tmp_path: Path) -> None:
    """``.mydata.99999.backup.tmp`` was deleted by ``validate -o dir/r.json``; so were forged names of ours."""
    dead = _dead_pid()
    users = [".mydata.99999.backup.tmp", f".r.json.{dead}.abc.tmp", f".r.json.ijw-{dead}-0123abcd-00000000.tmp"]
    directory = tmp_path / "out"
    directory.mkdir()
    for name in users:
        (directory / name).write_text("a user's data")
    link = directory / _ours("r.json", dead)
    link.symlink_to(tmp_path / "elsewhere")  # our name, but a link: not ours
    assert validate_json("-o", str(directory / "r.json"), cwd=tmp_path).returncode == 0
    retour = ijw("validate", str(MESSAGES), "--today", TODAY, "--retour-dir", str(directory), cwd=tmp_path)
    assert retour.returncode == 0
    left = {p.name for p in directory.iterdir()}
    assert set(users) | {link.name} <= left
    assert all((directory / name).read_text() == "a user's data" for name in users)


def test_only_our_stale_temporaries_of_the_file_written_are_removed(tmp_path: Path) -> None:
    """``-o /tmp/x.json`` looked at every file in /tmp: now only at the temporaries of x.json."""
    dead = _dead_pid()
    stale, other = _ours("r.json", dead), _ours("someone-elses.json", dead)
    for name in (stale, other):
        (tmp_path / name).write_text("left by a killed run")
    assert validate_json("-o", str(tmp_path / "r.json"), cwd=tmp_path).returncode == 0
    assert not (tmp_path / stale).exists(), "our own stale temporary of r.json stays"
    assert (tmp_path / other).exists(), "a temporary of another file was removed"


@ROOT_ONLY
def test_a_temporary_of_another_user_is_kept(tmp_path: Path) -> None:
    name = _ours("r.json", _dead_pid())
    (tmp_path / name).write_text("x")
    os.chown(tmp_path / name, 4242, 4242)
    assert validate_json("-o", str(tmp_path / "r.json"), cwd=tmp_path).returncode == 0
    assert (tmp_path / name).exists()


# ------------------------------------------------------------------ disk full
RETOUR_RUN = ["validate", "{batch}", "--today", TODAY, "--workers", "2", "--no-progress", "--format", "json",
              "--retour-dir", "{retour}", "--output", "{report}"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 JW301/JW315 messages (each with its own Identificatie): about 200 retourberichten."""
    import re

    directory = tmp_path_factory.mktemp("full") / "in"
    directory.mkdir()
    templates = [(MESSAGES / name).read_bytes() for name in ("jw301-toewijzing.xml", "jw315-verzoek-om-toewijzing.xml")]
    for i in range(200):
        data = re.sub(rb"<ijw:Identificatie>[^<]*<", b"<ijw:Identificatie>F%07d<" % i, templates[i % 2], count=1)
        (directory / f"m{i:04d}.xml").write_bytes(data)
    return directory


ENOSPC_AT_FSYNC = """
import errno, os, sys
fail_at, calls, real_fsync = int(os.environ["IJW_TEST_ENOSPC_AT"]), [0], os.fsync
def fsync(fd):
    calls[0] += 1
    if calls[0] == fail_at:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    real_fsync(fd)
os.fsync = fsync
from ijw_gateway.cli import run
run()
"""


def _assert_failed_run_wrote_nothing(code: int, err: str, listing: list[str]) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("ijw: ") and "No space left on device" in err, err
    assert "internal error" not in err and ".ijw-stage" not in err
    assert listing == [], f"a failed run left {listing[:5]}"


def test_disk_full_in_retour_dir_writes_none_of_the_retourberichten(batch: Path, tmp_path: Path) -> None:
    """Injected: the 40th fsync (a worker writing a retourbericht) finds the disk full."""
    args = [a.format(batch=batch, retour="retour", report="report.json") for a in RETOUR_RUN]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IJW_TEST_ENOSPC_AT": "40"}
    done = subprocess.run([sys.executable, "-c", ENOSPC_AT_FSYNC, *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    _assert_failed_run_wrote_nothing(done.returncode, done.stderr, sorted(p.name for p in tmp_path.iterdir()))


def test_a_full_tmpfs_as_retour_dir_gets_none_of_the_retourberichten(batch: Path, tmp_path: Path) -> None:
    """For real: a 64 KiB tmpfs (in a mount namespace of its own) holds a few retourberichten, not 200."""
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare, "--mount", "true"], capture_output=True, check=False) if unshare else None
    if unshare is None or probe is None or probe.returncode != 0:
        pytest.skip("mounting a small tmpfs needs unshare and CAP_SYS_ADMIN; the injected test covers it")
    full = tmp_path / "full"
    full.mkdir()
    args = " ".join(a.format(batch=batch, retour=full / "retour", report=full / "report.json") for a in RETOUR_RUN)
    script = (f"mount -t tmpfs -o size=64k tmpfs {full} && {sys.executable} -m ijw_gateway.cli {args} "
              f"2> {tmp_path}/err; echo $?; ls -A {full}")
    done = subprocess.run([unshare, "--mount", "sh", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, check=False)
    code, *listing = done.stdout.split()
    _assert_failed_run_wrote_nothing(int(code), (tmp_path / "err").read_text(), listing)


@pytest.mark.parametrize("args", [
    ["validate", str(MESSAGES), "--today", TODAY],
    ["validate", str(MESSAGES), "--today", TODAY, "--format", "json"],
    ["rules"],
    ["--help"],
])
def test_standard_output_on_a_full_disk_is_one_sentence(tmp_path: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "ijw_gateway.cli", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "ijw: cannot write to standard output (No space left on device)\n"


def _ledger(tmp_path: Path) -> Path:
    """A ledger with one case (made in this process)."""
    from ijw_gateway.ledger import Ledger

    path = tmp_path / "ledger" / "l.db"
    path.parent.mkdir()
    with Ledger(f"sqlite:///{path}", key="ijw-test-key-0123456789abcdef0123456789") as ledger:
        ledger.open(EXAMPLES / "bepalingen" / "02-centraal-gelderland-arnhem-315.yaml")
    return path  # ledger report reads it without the key
