"""The ``ijw`` command line (Typer). ``main`` turns every error into one clear sentence and an exit code."""

import sys
import traceback

import typer
from typer.exceptions import TyperException

from ijw_gateway import logging as ijw_logging
from ijw_gateway.cli.state import STATE
from ijw_gateway.errors import IjwError

app = typer.Typer(
    name="ijw",
    help="Build, validate and answer iJw 3.2 youth-care messages (JW301, JW315, …).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _global_options(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens to stderr."),
    log_format: str = typer.Option("text", "--log-format", help="Logs as 'text' (for people) or 'json' (JSON lines)."),
    debug: bool = typer.Option(False, "--debug", help="Show Python tracebacks of unexpected errors."),
) -> None:
    if log_format not in ("text", "json"):
        raise typer.BadParameter(f"'{log_format}': expected 'text' or 'json'", param_hint="--log-format")
    STATE.debug = debug
    ijw_logging.configure(verbose=verbose, log_format=log_format)  # type: ignore[arg-type]


def _register_commands() -> None:
    from ijw_gateway.cli import (  # noqa: F401  (commands register themselves on `app`)
        aanmeldformulier,
        bepaling,
        demo,
        ledger,
        productcodes,
        respond,
        rules,
        validate,
    )


def main(argv: list[str] | None = None) -> int:
    """Run ``ijw``; returns (and, as a console script, exits with) 0, 1 or 2."""
    args = sys.argv[1:] if argv is None else argv
    STATE.debug = "--debug" in args
    try:
        _register_commands()
        result = app(args=args, prog_name="ijw", standalone_mode=False)
    except typer.Exit as done:
        return int(done.exit_code or 0)
    except typer.Abort:
        print("ijw: aborted", file=sys.stderr)
        return 2
    except TyperException as usage:  # bad usage: unknown option, missing argument, bad value, …
        if STATE.debug:
            traceback.print_exc()
        _show_usage_error(usage)
        return int(getattr(usage, "exit_code", 2) or 2)
    except IjwError as error:
        if STATE.debug:
            traceback.print_exc()
        print(f"ijw: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("ijw: interrupted", file=sys.stderr)
        return 2
    except Exception as error:  # the last line of defence: no traceback without --debug
        if STATE.debug:
            traceback.print_exc()
        else:
            print(
                f"ijw: internal error ({type(error).__name__}); run again with --debug for the details",
                file=sys.stderr,
            )
        return 2
    return int(result or 0)


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
    sys.exit(main())
