"""The kernel's sandbox: bubblewrap around the kernel process, and the kernel manager that starts it.

Only the kernel (the student's code) runs inside; nbgrader, the gradebook and this package stay outside.
Inside, the kernel sees a read-only system (/usr, /etc, …), the Python installation and virtual
environment, the ``dlcourse`` package and data/, all read-only. It has no network (``--unshare-net``;
kernel and client talk over unix sockets in a bound runtime folder), its own PID namespace, and it can
write only to the folders of its own job: the working copy, a scratch home and the runtime folder.
solutions/, autograde/ (other submissions, the gradebook), the rest of the repository and the user's home
are simply not there.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import uuid
from functools import lru_cache
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import List, Unicode

import dlcourse
from dlcourse.config import DATA_DIR, REPO_ROOT

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")
GPU_DEVICES = ("/dev/nvidia*", "/dev/dri")


def readable_paths() -> list[Path]:
    """What the kernel may read besides the system: Python, the venv, the package, data/."""
    paths = [Path(sys.base_prefix).resolve(), Path(sys.prefix), Path(dlcourse.__file__).resolve().parent,
             DATA_DIR, REPO_ROOT / "pyproject.toml"]
    seen: list[Path] = []
    for p in paths:
        if p.exists() and p not in seen:
            seen.append(p)
    return seen


def bwrap_argv(*, writable: list[Path], env: dict[str, str], gpu: bool = False) -> list[str]:
    """The ``bwrap … --`` prefix of the kernel command.

    ``writable`` folders are bound read-write at their own paths (working copy, scratch home, runtime
    folder with the connection file and sockets); ``env`` is the kernel's whole environment.
    """
    argv = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for d in SYSTEM_DIRS:
        argv += ["--ro-bind-try", d, d]
    for p in readable_paths():
        argv += ["--ro-bind", str(p), str(p)]
    if gpu:
        for dev in sorted(p for pattern in GPU_DEVICES for p in glob.glob(pattern)):
            argv += ["--dev-bind-try", dev, dev]
        argv += ["--ro-bind-try", "/sys", "/sys"]
    for p in writable:
        argv += ["--bind", str(p), str(p)]
    for key, value in sorted(env.items()):
        argv += ["--setenv", key, value]
    # The new root and /tmp are tmpfs; make them read-only so only the bound job folders are writable.
    argv += ["--remount-ro", "/tmp", "--remount-ro", "/"]
    return argv


@lru_cache(maxsize=1)
def sandbox_problem() -> str | None:
    """None when bubblewrap works here; else a one-line reason (grade then needs ``--no-sandbox``)."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed (apt-get install bubblewrap); or grade with --no-sandbox"
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"dlcourse-bwrap-{uuid.uuid4().hex[:8]}"
    probe.mkdir(parents=True)
    try:
        argv = [*bwrap_argv(writable=[probe], env={"PATH": "/usr/bin:/bin"}), "--",
                sys.executable, "-c", f"open({str(probe / 'ok')!r}, 'w').close()"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        if done.returncode != 0 or not (probe / "ok").exists():
            reason = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
            return f"bubblewrap cannot create a sandbox here ({reason}); or grade with --no-sandbox"
        return None
    finally:
        shutil.rmtree(probe, ignore_errors=True)


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager that prefixes the kernel command with ``sandbox_argv`` (bwrap …) and talks to the
    kernel over unix sockets in ``runtime_dir`` (the sandbox has no network, not even the host's
    loopback). Interrupts travel as messages, because a signal to the sandbox's process group would
    stop bubblewrap rather than the kernel. With an empty ``sandbox_argv`` it runs the kernel directly.
    """

    sandbox_argv = List(Unicode(), help="command prefix ending before the kernel command").tag(config=True)
    runtime_dir = Unicode("", help="folder for the connection file and the unix sockets").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.runtime_dir:
            stem = Path(self.runtime_dir) / f"kernel-{uuid.uuid4().hex[:8]}"
            self.transport = "ipc"
            self.connection_file = f"{stem}.json"
            self.ip = str(stem)
        self.kernel_spec.interrupt_mode = "message"

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return [*self.sandbox_argv, "--", *cmd] if self.sandbox_argv else cmd
