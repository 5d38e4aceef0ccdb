"""The ``ijw`` command line (Typer). ``main`` turns every error into one clear sentence and an exit code.

Help texts follow the conventions of Unix tools: a metavar says what a value is (``FILE``,
``DIR``, ``DATE``, ``URL``, ``N``, ``[text|json]``), a flag shows none (:func:`value`
builds the options so), paragraphs are reflowed to the terminal, and prose carries no markup.
"""

import errno
import os
import signal
import sys
import traceback
from importlib import import_module
from typing import TextIO

import typer
from typer.exceptions import TyperException

from ijw_gateway import __version__
from ijw_gateway import logging as ijw_logging
from ijw_gateway.cli.state import STATE
from ijw_gateway.errors import BepalingError, IjwError, InputFileError, MappingError, MessageError


def _conventional_help() -> None:
    """Typer writes a required argument as ``{NAME}`` in the usage line and its Python type
    (``<list[str]>``) in the list; Unix tools write ``NAME``, ``[NAME]`` when it may be left
    out, ``NAME...`` when it repeats, and no type. (Typer has no hook for its argument class.)
    And help text is wrapped at spaces only: ``--retour-dir`` or ``YYYY-MM-DD`` is not broken
    at its hyphens."""
    from typer._click._textwrap import TextWrapper
    from typer.core import TyperArgument

    wrapper_init = TextWrapper.__init__

    def spaces_only(self: TextWrapper, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("break_on_hyphens", False)
        wrapper_init(self, *args, **kwargs)  # type: ignore[arg-type]

    TextWrapper.__init__ = spaces_only  # type: ignore[method-assign]

    def usage(self: TyperArgument) -> str:
        name = self.display_name_raw
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"

    TyperArgument._usage_display_name = usage  # type: ignore[method-assign]
    TyperArgument._rich_display_name = usage  # type: ignore[method-assign]
    TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]


_conventional_help()

app = typer.Typer(
    name="ijw",
    help="Build, validate and answer iJw 3.2 youth-care messages (JW301, JW315, …).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"ijw {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens to stderr."),
    log_format: str = typer.Option("text", "--log-format", metavar="[text|json]",
                                   help="Logs for people (text) or as JSON lines (json)."),
    debug: bool = typer.Option(False, "--debug", help="Show Python tracebacks of unexpected errors."),
    _version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                  help="Show the version and exit."),
) -> None:
    if log_format not in ("text", "json"):
        raise typer.BadParameter(f"'{log_format}': expected 'text' or 'json'", param_hint="--log-format")
    STATE.debug = debug
    ijw_logging.configure(verbose=verbose, log_format=log_format)  # type: ignore[arg-type]


COMMANDS = {
    "validate": "validate",
    "respond": "respond",
    "rules": "rules",
    "map": "bepaling",
    "build": "bepaling",
    "aanmeldformulier": "aanmeldformulier",
    "ledger": "ledger",
    "productcodes": "productcodes",
    "demo": "demo",
    "start": "provider",
    "stop": "provider",
    "serve": "serve",
    "tokens": "tokens",
}
"""Command name → the module under ``ijw_gateway.cli`` that registers it on :data:`app`."""

_GLOBAL_WITH_VALUE = ("--log-format",)


def command_named(args: list[str]) -> str | None:
    """The command ``args`` ask for (the first word after the global options), or None."""
    rest = iter(args)
    for arg in rest:
        if arg in _GLOBAL_WITH_VALUE:
            next(rest, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _register_commands(args: list[str]) -> None:
    """Import the module of the command asked for, or of every command (for help, or a mistyped name).

    Each command module loads what its command needs; importing only the one asked for keeps
    ``ijw validate one.xml`` from loading the ledger's database stack or the tussentaal.
    """
    name = command_named(args)
    modules = [COMMANDS[name]] if name in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        import_module(f"ijw_gateway.cli.{module}")


INVALID_INPUT = (MessageError, BepalingError, MappingError)
"""Errors that mean the command ran and found its input invalid (exit 1); every other error means it
could not run (exit 2). A bepaling file that cannot be read at all could not be judged: exit 2."""


def exit_code(error: IjwError) -> int:
    """The exit code of a command that ended with ``error`` (interfaces.md: 1 invalid input, 2 could not run)."""
    if isinstance(error, InputFileError):
        return 2
    return 1 if isinstance(error, INVALID_INPUT) else 2


def main(argv: list[str] | None = None) -> int:
    """Run ``ijw``; returns (and, as a console script, exits with) 0, 1 or 2 (130 on Ctrl-C)."""
    args = sys.argv[1:] if argv is None else argv
    STATE.debug = "--debug" in args
    stdout = sys.stdout
    sys.stdout = _GuardedStdout(stdout)  # type: ignore[assignment]
    try:
        code = _run(args)
        try:
            sys.stdout.flush()
        except StdoutError as failure:  # what was still buffered is lost: the output is incomplete
            if code in (0, 1):
                code = _stdout_error(failure)
    finally:
        sys.stdout = stdout
    return code


def _run(args: list[str]) -> int:
    try:
        _register_commands(args)
        result = app(args=args, prog_name="ijw", standalone_mode=False)
    except typer.Exit as done:
        return int(done.exit_code or 0)
    except typer.Abort:
        print("ijw: aborted", file=sys.stderr)
        return 2
    except Terminated:
        print("ijw: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except StdoutError as failure:
        return _stdout_error(failure)
    except TyperException as usage:  # bad usage: unknown option, missing argument, bad value, …
        if STATE.debug:
            traceback.print_exc()
        _show_usage_error(usage)
        return int(getattr(usage, "exit_code", 2) or 2)
    except IjwError as error:
        if STATE.debug:
            traceback.print_exc()
        print(f"ijw: {error}", file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        print("ijw: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the last line of defence: no traceback without --debug
        if STATE.debug:
            traceback.print_exc()
        else:
            print(
                f"ijw: internal error ({type(error).__name__}); run again with --debug for the details",
                file=sys.stderr,
            )
        return 2
    if result == EXIT_INTERRUPTED:  # Typer turns Ctrl-C inside a command into this exit code
        print("ijw: interrupted", file=sys.stderr)
    return int(result or 0)


class StdoutError(Exception):
    """Standard output could not be written (a full disk, a closed pipe)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error


class _GuardedStdout:
    """``sys.stdout`` while a command runs: its write errors become a StdoutError."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise StdoutError(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise StdoutError(error) from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _stdout_error(failure: StdoutError) -> int:
    """One sentence (none for a reader that went away, as in ``| head``); exit 2. What is left in
    the buffer is dropped, so the interpreter's own flush at exit does not fail again."""
    if failure.error.errno != errno.EPIPE:
        print(f"ijw: cannot write to standard output ({failure})", file=sys.stderr)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())  # type: ignore[union-attr]
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (captured in tests)
        pass
    return 2


class Terminated(BaseException):
    """SIGTERM (``kill PID``): ended like Ctrl-C, cleaning up on the way out."""


def _terminate(_signal: int, _frame: object) -> None:
    raise Terminated()


def _show_usage_error(usage: TyperException) -> None:
    """One line, ``ijw: <what is wrong> (see 'ijw CMD --help')``; help text itself (no arguments) as is."""
    message = usage.format_message().strip()
    context = getattr(usage, "ctx", None)
    show = getattr(usage, "show", None)
    if (not message or "\n" in message) and show is not None:  # `ijw ledger` without a command: the help
        show(file=sys.stderr)
        return
    hint = f" (see '{context.command_path} --help')" if context is not None else ""
    print(f"ijw: {message}{hint}", file=sys.stderr)


def run() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
