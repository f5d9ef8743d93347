"""The kernel's launcher: set up the process, then ``exec`` the real command (bubblewrap or the kernel).

    python -I -S launch.py [--pdeathsig PID] [--cgroup PROCS_FILE] [--nproc N] -- COMMAND...

- ``--pdeathsig PID``: SIGKILL this process (and so what it execs) when its parent, the grading process
  ``PID``, dies, even a SIGKILLed one; without a sandbox this is what takes the kernel down with its grader.
  A parent that died before the signal was armed is noticed by its pid.
- ``--cgroup PROCS_FILE``: move this process into a pids cgroup (``…/cgroup.procs``) before anything else
  starts, so that every process and thread of the kernel counts against that cgroup's ``pids.max``.
- ``--nproc N``: RLIMIT_NPROC = N. Used *inside* the sandbox's user namespace, where the kernel counts the
  namespace's own processes against it (not the user's others); it does not bind uid 0 (see proclimit).

Standard library only, run with ``-I -S`` (no site-packages, no environment), so it starts in milliseconds,
inside the sandbox too (the package folder is bound there read-only).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    i = 0
    while argv[i] != "--":
        option = argv[i]
        if option == "--pdeathsig":
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            if os.getppid() != int(argv[i + 1]):
                os._exit(1)
            i += 2
        elif option == "--cgroup":
            with open(argv[i + 1], "w") as fh:
                fh.write(str(os.getpid()))
            i += 2
        elif option == "--nproc":
            import resource

            n = int(argv[i + 1])
            resource.setrlimit(resource.RLIMIT_NPROC, (n, n))
            i += 2
        else:
            raise SystemExit(f"launch.py: unknown option {option}")
    command = argv[i + 1:]
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
