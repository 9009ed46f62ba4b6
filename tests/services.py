"""Services of a test's own, started on free ports: tests that stop, freeze or restart
a service never touch the machine's shared ones."""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import redis


def redis_caches(url):
    """Django's CACHES with the cache in the Redis at `url`, as in production, given
    up on after a second, as the site's settings do."""
    return {
        "default": {
            "BACKEND": "delivery.redis_cache.FailOpenRedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(base, process, *, log=None, seconds=30):
    """Return once the app server `process` answers `base`/robots.txt; fail with
    what it said (its `log` file, or else its stderr pipe, if it has one) if it
    stops first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            if log:
                said = log.read_text()
            else:
                said = process.stderr.read().decode() if process.stderr else "–"
            raise AssertionError(f"the app server stopped: {said}")
        try:
            with urllib.request.urlopen(f"{base}/robots.txt", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:  # refused, reset, or an HTTPError while it starts
            pass
        time.sleep(0.1)
    raise AssertionError(f"the app server at {base} did not start in {seconds} s")


class RedisServer:
    """A redis-server of our own, keeping its data in `folder`, so that it can be
    frozen (SIGSTOP), thawed, killed and started again from what it saved."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis)")
        self.process = subprocess.Popen(
            [
                executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                # Saved only when a test says SAVE, read back at every start.
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = self.client()
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def client(self):
        return redis.Redis(port=self.port, socket_timeout=5)

    def save(self):
        self.client().save()

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self):
        """Dies at once, as in a crash: whatever it had not saved is lost."""
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.thaw()
            self.kill()


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass  # no line on standard error for each request


class LoopbackServer(ThreadingHTTPServer):
    request_queue_size = 64  # a wave's connections all at once (test_edge.SlowApp)
    daemon_threads = True
    block_on_close = False

    def stop(self):
        self.shutdown()
        self.server_close()


def serve(handler):
    """An HTTP server of `handler`'s on a free loopback port, serving in a thread."""
    server = LoopbackServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
