"""``ijw rules``: the coverage table of the rule registry."""

import json

import typer

from ijw_gateway.cli import app
from ijw_gateway.errors import UsageError
from ijw_gateway.logging import get_logger

log = get_logger(__name__)


@app.command()
def rules(
    output_format: str = typer.Option("text", "--format", metavar="[text|markdown|json]", help="The table's format."),
) -> int:
    """List every rule of the regelrapport for our messages: implemented, enforced by the XSD, or why not."""
    import ijw_gateway.validation.rules  # noqa: F401  (registers the rules)
    from ijw_gateway.validation.rules.coverage import render_markdown
    from ijw_gateway.validation.rules.registry import all_rules

    if output_format == "markdown":
        typer.echo(render_markdown(), nl=False)
    elif output_format == "json":
        rows = [
            {"rule": r.code, "berichten": list(r.berichten), "element": r.element, "text": r.text,
             "controleniveau": r.level.value, "retourcode": r.retourcode, "status": r.status.value}
            for r in all_rules()
        ]
        typer.echo(json.dumps({"rules": rows}, ensure_ascii=False, indent=2))
    elif output_format == "text":
        for r in all_rules():
            typer.echo(f"{r.code:6} {r.status.value:26} {r.retourcode or '-':4}  {','.join(r.berichten):40} {r.text}")
    else:
        raise UsageError(f"--format {output_format}: expected text, markdown or json")
    log.info("rules listed", rules=sum(1 for _ in all_rules()), format=output_format)
    return 0
