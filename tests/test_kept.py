"""common/kept.py: what a process keeps of what it made, bounded."""

from common.kept import Kept


def test_past_its_size_it_lets_go_of_what_was_used_longest_ago():
    kept = Kept(2)
    kept.put("home", "<home>")
    kept.put("tag", "<tag>")
    assert kept.get("home") == "<home>"  # used again: now the newest
    kept.put("author", "<author>")
    assert kept.get("tag") is None
    assert kept.get("home") == "<home>"
    assert kept.get("author") == "<author>"
    assert kept.get("tag", []) == []
    kept.clear()
    assert kept.get("home") is None
