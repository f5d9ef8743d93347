"""The kernel's sandbox: bubblewrap around the kernel process, and the kernel manager that starts it.

Only the kernel (the student's code) runs inside; nbgrader, the gradebook and this package stay outside.
Inside, the kernel

- runs as ``nobody`` (uid/gid 65534) in a user namespace of its own, without capabilities, and cannot
  create further user namespaces (``--disable-userns`` where bubblewrap has it);
- sees a read-only system (/usr, /bin, /lib…), the Python installation and virtual environment, the
  ``dlcourse`` package and data/, all read-only, and of /etc **only** what a kernel needs (:data:`ETC`:
  the dynamic loader's cache, time zone, fontconfig, the JRE's configuration and Debian's alternatives
  for KoNLPy's JVM) plus a generated passwd/group/hosts naming root and nobody; /etc/shadow, sudoers, SSH
  keys and the rest of the host's /etc are simply not there;
- has no network (``--unshare-net``; kernel and client talk over unix sockets in a bound runtime folder),
  its own PID, IPC and UTS namespaces (hostname ``sandbox``), and can write only to the folders of its own
  job: the working copy, a scratch home and the runtime folder;
- is capped in processes and threads (a pids cgroup, or RLIMIT_NPROC inside the namespace; see
  :mod:`dlcourse.grading.proclimit`), so a fork bomb stops at the cap.

solutions/, autograde/ (other submissions, the gradebook), the rest of the repository and the user's home
are not there. Measured with hostile submissions in tests/grading (reads /etc/shadow, forks until refused).
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

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64")
# Of /etc, only what a kernel reads (traced with strace on Python, numpy, matplotlib with the Korean font,
# TensorFlow/Keras, KoNLPy's Okt on the JVM): each bound read-only where it exists.
ETC = (
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",  # the dynamic loader finds /usr/lib/<arch>
    "/etc/localtime", "/etc/timezone",  # local time, as on the host
    "/etc/nsswitch.conf",  # glibc: look users up in files only (the generated passwd/group)
    "/etc/fonts",  # fontconfig, should matplotlib rebuild its font list
    "/etc/alternatives",  # Debian's java → the JRE KoNLPy starts
    "/etc/java-*",  # Debian's JRE configuration (the JDK's conf/ and lib/jvm.cfg link into it)
)
GENERATED_ETC = ("passwd", "group", "hosts")
SANDBOX_UID = 65534  # nobody
GPU_DEVICES = ("/dev/nvidia*", "/dev/dri")
LAUNCH = Path(__file__).resolve().parent / "launch.py"


def readable_paths() -> list[Path]:
    """What the kernel may read besides the system: Python, the venv, the package, data/."""
    paths = [Path(sys.base_prefix).resolve(), Path(sys.prefix), Path(dlcourse.__file__).resolve().parent,
             DATA_DIR, REPO_ROOT / "pyproject.toml"]
    seen: list[Path] = []
    for p in paths:
        if p.exists() and p not in seen:
            seen.append(p)
    return seen


def etc_paths() -> list[str]:
    """The host's /etc entries bound into the sandbox (those of :data:`ETC` that exist here)."""
    return sorted({p for pattern in ETC for p in glob.glob(pattern) if os.path.exists(p)})


def write_etc(folder: Path, *, home: Path) -> Path:
    """passwd, group and hosts for the sandbox in ``folder`` (bound read-only over /etc/…): root and nobody,
    nobody's home being the job's scratch home, and localhost."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "passwd").write_text(f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
                                   f"nobody:x:{SANDBOX_UID}:{SANDBOX_UID}:nobody:{home}:/usr/sbin/nologin\n")
    (folder / "group").write_text(f"root:x:0:\nnogroup:x:{SANDBOX_UID}:\n")
    (folder / "hosts").write_text("127.0.0.1\tlocalhost sandbox\n::1\tlocalhost\n")
    return folder


def launcher(*, pdeathsig: int | None = None, cgroup: Path | None = None, nproc: int | None = None) -> list[str]:
    """The ``launch.py … --`` prefix (see :mod:`dlcourse.grading.launch`); [] when it has nothing to do."""
    options: list[str] = []
    if pdeathsig:
        options += ["--pdeathsig", str(pdeathsig)]
    if cgroup is not None:
        options += ["--cgroup", str(cgroup)]
    if nproc:
        options += ["--nproc", str(nproc)]
    return [sys.executable, "-I", "-S", str(LAUNCH), *options, "--"] if options else []


def bwrap_argv(*, writable: list[Path], env: dict[str, str], etc: Path, gpu: bool = False,
               nproc: int | None = None) -> list[str]:
    """The ``bwrap … --`` prefix of the kernel command (ending with the in-sandbox launcher when ``nproc``).

    ``writable`` folders are bound read-write at their own paths (working copy, scratch home, runtime
    folder with the connection file and sockets); ``env`` is the kernel's whole environment; ``etc`` holds
    the generated passwd/group/hosts (:func:`write_etc`); ``nproc`` sets RLIMIT_NPROC inside the namespace.
    """
    argv = ["bwrap", "--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
            *(["--disable-userns"] if _bwrap_has("--disable-userns") else []),
            "--hostname", "sandbox", "--die-with-parent", "--new-session", "--clearenv",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for d in SYSTEM_DIRS:
        argv += ["--ro-bind-try", d, d]
    for p in etc_paths():
        argv += ["--ro-bind", p, p]
    for name in GENERATED_ETC:
        argv += ["--ro-bind", str(etc / name), f"/etc/{name}"]
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
    argv += ["--remount-ro", "/tmp", "--remount-ro", "/", "--"]
    return argv + launcher(nproc=nproc)


@lru_cache(maxsize=8)
def _bwrap_has(option: str) -> bool:
    try:
        done = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in done.stdout + done.stderr


@lru_cache(maxsize=1)
def sandbox_problem() -> str | None:
    """None when bubblewrap works here; else a one-line reason (grade then needs ``--no-sandbox``)."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed (apt-get install bubblewrap); or grade with --no-sandbox"
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"dlcourse-bwrap-{uuid.uuid4().hex[:8]}"
    probe.mkdir(parents=True)
    try:
        etc = write_etc(probe / "etc", home=probe)
        code = f"import os; open({str(probe / 'ok')!r}, 'w').write(str(os.getuid()))"
        argv = [*bwrap_argv(writable=[probe], env={"PATH": "/usr/bin:/bin"}, etc=etc, nproc=256),
                sys.executable, "-c", code]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        if done.returncode != 0 or not (probe / "ok").exists():
            reason = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
            return f"bubblewrap cannot create a sandbox here ({reason}); or grade with --no-sandbox"
        if (probe / "ok").read_text() != str(SANDBOX_UID):
            return f"bubblewrap did not map the kernel to uid {SANDBOX_UID}; or grade with --no-sandbox"
        return None
    finally:
        shutil.rmtree(probe, ignore_errors=True)


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager that prefixes the kernel command with ``sandbox_argv`` (launcher, bwrap …) and
    talks to the kernel over unix sockets in ``runtime_dir`` (the sandbox has no network, not even the
    host's loopback). Interrupts travel as messages, because a signal to the sandbox's process group would
    stop bubblewrap rather than the kernel. With an empty ``sandbox_argv`` it runs the kernel directly.
    """

    sandbox_argv = List(Unicode(), help="command prefix, ending with '--', put before the kernel command"
                        ).tag(config=True)
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
        return [*self.sandbox_argv, *cmd]
