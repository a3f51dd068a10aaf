"""Run a command holding a lock file, for the Makefile: one venv set-up at a time.

    python3 scripts/locked.py LOCK-FILE COMMAND [ARG...]

A second `make` started while the first is still setting up .venv waits here, says so,
and then finds the set-up done. flock(1) would do the same where util-linux is
installed; this runs wherever Python does (macOS has no flock). The command replaces
this process and inherits the locked file, so the lock lasts exactly as long as the
command, and a killed command (even by SIGKILL) releases it.
"""
from __future__ import annotations

import fcntl
import os
import sys


def main(argv: list[str]) -> int:
    """Take the lock, then become the command."""
    if len(argv) < 2:
        print("usage: locked.py LOCK-FILE COMMAND [ARG...]", file=sys.stderr)
        return 2
    lock, command = argv[0], argv[1:]
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"make: waiting for another make to finish with {lock}", file=sys.stderr, flush=True)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except KeyboardInterrupt:
            return 130
    os.set_inheritable(handle, True)
    os.execvp(command[0], command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
