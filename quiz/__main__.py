"""``python -m quiz`` and the ``quiz`` program.

SIGTERM and SIGHUP are routed to an exception before anything else is imported, so a signal
during start-up ends the program with a word (exit 130) instead of silently.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Entry point: signal handlers first, then the command line."""
    from quiz import stopping

    stopping.install()
    try:
        from quiz.cli import main as cli_main
    except KeyboardInterrupt as err:
        stopping.hold()
        name = err.name if isinstance(err, stopping.Stopped) else "Ctrl-C"
        sys.stderr.write(f"Stopped by {name} while starting; nothing was done.\n")
        sys.exit(130)
    cli_main()


if __name__ == "__main__":
    main()
