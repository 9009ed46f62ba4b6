"""Small helpers every app may use, which know nothing of the newsroom's apps: links
remembered (links.py), times in the newsroom's zone (times.py), and the admin's
lookups made safe against hand-made values (lookups.py, widgets.py)."""
