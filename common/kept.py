"""A bounded map a process keeps what it made in, shared by its threads."""

import threading
from collections import OrderedDict


class Kept:
    """At most `size` values by key; past that, the one used longest ago goes."""

    def __init__(self, size):
        self.size = size
        self._values = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            value = self._values.get(key, default)
            if key in self._values:
                self._values.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self):
        with self._lock:
            self._values.clear()
