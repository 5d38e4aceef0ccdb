"""Words for people: counts with the right plural ("1 file", "2 files")."""


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the word in its right number; ``plural`` for words that do not just add an s
    (``plural(2, "retourbericht", "retourberichten")``)."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
