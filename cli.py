"""``python cli.py …`` from a checkout does what the installed ``ijw`` command does."""

from ijw_gateway.cli import run

if __name__ == "__main__":
    run()
