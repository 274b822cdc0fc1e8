"""Odoo's processes: command lines, databases installed from scratch, and
servers in prefork mode."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .odoo_log import log_records
from .paths import CONF, ROOT
from .pg import drop_database


def free_port():
    """A TCP port of the loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def subprocess_env():
    """The environment of an Odoo process started from here: the repository's
    root on PYTHONPATH, so that the tests' harness can import devtools."""
    env = dict(os.environ)
    paths = [str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def odoo_command(*args, conf=CONF, launcher=False):
    """Odoo's command line with the configuration file ``conf``: ``python -m
    odoo`` of this Python, or with ``launcher`` Odoo's own ``odoo`` script next
    to it, which the prefork server needs (it re-executes it for its gevent
    process, which ``python -m odoo`` cannot be)."""
    if launcher:
        head = [str(Path(sys.executable).with_name("odoo"))]
    else:
        head = [sys.executable, "-m", "odoo"]
    return [*head, "-c", str(conf), *args]


def install_database(
    database,
    modules,
    *options,
    conf=CONF,
    demo=False,
    log_level="warn",
    prog="devtools",
):
    """Drop ``database`` and create it anew with ``modules`` installed (Odoo's
    ``-i``, without tests, HTTP or cron; without demo data unless ``demo``).
    Raises CalledProcessError when Odoo fails."""
    drop_database(database, conf=conf, prog=prog)
    command = odoo_command(
        "-d",
        database,
        "-i",
        modules,
        "--stop-after-init",
        "--no-http",
        "--max-cron-threads",
        "0",
        "--log-level",
        log_level,
        *options,
        conf=conf,
    )
    if not demo:
        command.append("--without-demo=all")
    return subprocess.run(command, check=True, cwd=ROOT, env=subprocess_env())


def stop_process_group(process, timeout=60):
    """End ``process`` and its children (a process started in a session of its
    own): SIGTERM, then SIGKILL after ``timeout`` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class OdooServer:
    """``odoo --workers N --max-cron-threads M`` serving ``database`` only, on
    the loopback (``port``, or a free one), logging to ``log_path`` (emptied at
    start); in a session of its own, so that ``stop()`` ends the server and its
    workers together. A context manager: ``with OdooServer(...) as server:``."""

    def __init__(
        self,
        database,
        log_path,
        *,
        workers=2,
        cron_threads=1,
        port=None,
        log_level="info",
        conf=CONF,
        start_timeout=240,
    ):
        self.database = database
        self.log_path = Path(log_path)
        self.workers = workers
        self.cron_threads = cron_threads
        self.requested_port = port
        self.port = None
        self.log_level = log_level
        self.conf = conf
        self.start_timeout = start_timeout
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        return odoo_command(
            "-d",
            self.database,
            "--db-filter",
            f"^{re.escape(self.database)}$",
            "--workers",
            str(self.workers),
            "--max-cron-threads",
            str(self.cron_threads),
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            "--gevent-port",
            str(free_port()),
            "--log-level",
            self.log_level,
            "--logfile",
            str(self.log_path),
            conf=self.conf,
            launcher=True,
        )

    def start(self):
        """Start Odoo and wait until it answers ``/web/health``; raises
        RuntimeError when it exits or does not answer in time."""
        self.port = self.requested_port or free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_text("")
        # What Odoo says before its log is set up (a wrong option) goes there too.
        with self.log_path.open("a") as early:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=subprocess_env(),
                start_new_session=True,
                stdout=early,
                stderr=subprocess.STDOUT,
            )
        deadline = time.time() + self.start_timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Odoo (prefork) exited with {self.process.returncode}; "
                    f"see {self.log_path}"
                )
            if self.answers():
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Odoo did not answer on {self.url}; see {self.log_path}")

    def answers(self):
        try:
            with urllib.request.urlopen(f"{self.url}/web/health", timeout=5) as reply:
                return reply.status == 200
        except (OSError, http.client.HTTPException):
            return False  # not listening yet

    def stop(self):
        if self.process:
            stop_process_group(self.process)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def log_size(self):
        return self.log_path.stat().st_size

    def log_since(self, offset=0):
        with self.log_path.open(errors="replace") as log:
            log.seek(offset)
            return log.read()

    def records(self, offset=0):
        """The log records since ``offset``: ``[(level, text)]``."""
        return log_records(self.log_since(offset))
