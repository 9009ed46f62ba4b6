"""Every stylesheet closes each rule it opens: a rule left open swallows every rule
after it, and browsers then quietly ignore them (a merge once did this to the desk's
and the front pages' styles)."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "static"


def unclosed_rules(css):
    """Line numbers of rules opened inside another rule that is not an at-rule."""
    css = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), css, flags=re.S)
    opened, nested = [], []
    for number, line in enumerate(css.splitlines(), 1):
        for brace in re.finditer(r"[{}]", line):
            if brace.group() == "{":
                head = line[: brace.start()].strip()
                if opened and not opened[-1][1].startswith("@"):
                    nested.append(number)
                opened.append((number, head))
            elif opened:
                opened.pop()
    return nested + [number for number, _ in opened]


@pytest.mark.parametrize(
    "stylesheet", sorted(STATIC.rglob("*.css")), ids=lambda path: path.name
)
def test_every_rule_is_closed(stylesheet):
    assert unclosed_rules(stylesheet.read_text()) == []
