"""Entry point of the frozen app (PyInstaller runs this file as ``__main__``).

``freeze_support()`` must run first: a frozen program that starts a child process (the
``spawn`` start method, always used on Windows and macOS) re-executes this same binary, and
without the call the child would start a second copy of the app instead of the worker.
"""

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()
    from voiceprep.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
