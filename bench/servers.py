"""
The servers bench/run_benchmark.py starts and stops: gunicorn (Newsroom or the floor
app, with the repo's gunicorn.conf.py), nginx (the repo's deploy/nginx.conf, or a plain
file server), and wrk to drive them. Every process is started in its own process group
and stopped, with its children, when the benchmark ends, however it ends.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_REPORT = Path(__file__).resolve().parent / "wrk_report.lua"
TIMEOUT = 10


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    """Status, headers and body of one GET, without raising on an error status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Processes:
    """Every server the benchmark started, to be stopped whatever happens."""

    def __init__(self, logs):
        self.logs = logs
        self.running = {}

    def start(self, name, command, env=None, cwd=ROOT):
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept with the process)
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = (process, log)
        return process

    def stop(self, name):
        process, log = self.running.pop(name)
        if process.poll() is None:
            # The whole group: gunicorn's and nginx's workers go with their master.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()

    def stop_all(self):
        for name in list(self.running):
            self.stop(name)

    def wait_until_up(self, name, url, timeout=90):
        process, _ = self.running[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                urllib.request.urlopen(url, timeout=5)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{name} did not answer at {url}:\n{tail}")


def start_gunicorn(processes, name, env, app=None):
    """gunicorn with gunicorn.conf.py; `app` replaces Newsroom (the floor)."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    if app:
        command.append(app)
    processes.start(name, command, env={**env, "PORT": str(port), "HOST": "127.0.0.1"})
    url = f"http://127.0.0.1:{port}"
    processes.wait_until_up(name, url + "/")
    return url


NGINX_MAIN = """\
# Written by bench/servers.py: one nginx for the benchmark, everything in {dir}.
daemon off;
{user}
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/site.conf;
}}
"""

FILE_SERVER = """\
# The ceiling: nginx sending a saved page from disk.
server {{
    listen 127.0.0.1:{port};
    root {docroot};
    index index.html;
}}
"""


def deploy_site(*, port, upstream, cache, static_root, media_root):
    """The repo's deploy/nginx.conf with its address, port and paths made local."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    swaps = {
        "server 127.0.0.1:8000;": f"server {upstream};",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "/var/cache/nginx/newsroom": str(cache),
        "/srv/newsroom/staticfiles/": f"{static_root}/",
        "/srv/newsroom/media/": f"{media_root}/",
    }
    for old, new in swaps.items():
        if old not in text:
            raise RuntimeError(f"deploy/nginx.conf no longer says {old!r}")
        text = text.replace(old, new)
    return text


def file_site(*, port, docroot):
    return FILE_SERVER.format(port=port, docroot=docroot)


def start_nginx(processes, name, workdir, site):
    """nginx with `site` (a server block, and what it needs at http level)."""
    directory = workdir / name
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (directory / "site.conf").write_text(site(port))
    # Run as root, nginx hands requests to workers of user nobody, who could not read
    # the benchmark's private temporary folder; these workers stay root instead.
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_MAIN.format(dir=directory, user=user))
    processes.start(name, ["nginx", "-p", str(directory), "-c", str(conf)])
    url = f"http://127.0.0.1:{port}"
    processes.wait_until_up(name, url + "/")
    return url


def wrk(url, *, seconds, warmup, threads=2, connections=8):
    """Requests per second, latency percentiles and errors of one wrk run, after a
    warm-up run whose figures are thrown away (workers' first requests, cold caches)."""
    # wrk gives up on a request after 2 s by default and leaves it out of the
    # latencies; a slow page must show as slow, so it waits up to TIMEOUT instead.
    base = ["wrk", f"-t{threads}", f"-c{connections}", f"--timeout={TIMEOUT}s"]
    base += ["-s", str(WRK_REPORT)]
    if warmup:
        subprocess.run([*base, f"-d{warmup}s", url], capture_output=True, check=True)
    output = subprocess.run(
        [*base, f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures
