"""Process-wide CLI state set by the global options."""

from dataclasses import dataclass


@dataclass
class CliState:
    debug: bool = False


STATE = CliState()
