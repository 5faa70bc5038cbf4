"""Start-up: ``quiz --help`` and ``quiz --version`` in fresh processes vs a bare Click program.

Both are byte-compiled first (``python -m compileall``), as installed programs are, and
run with ``PYTHONDONTWRITEBYTECODE`` unset; runs of the two are interleaved so that other
work on the machine hits both alike. Figure: the median of 15 runs each. Target ≤ 1.3×.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

from _common import REPO, args, env, machine_load, quiz_exe, report, run, workdir

HELLO = '''\
import click


@click.group()
@click.version_option("1.0", prog_name="hello")
def cli() -> None:
    """A bare Click program with one command."""


@cli.command()
def hello() -> None:
    """Say hello."""
    click.echo("hello")


def main() -> None:
    cli.main(prog_name="hello")
'''

LAUNCHER = """\
#!{python}
import re
import sys
from {module} import main
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit(main())
"""


def main() -> int:
    """Measure and print the two ratios."""
    ns = args(__doc__ or "")
    repeat = 2 if ns.size == "tiny" else 15
    tmp = workdir()
    (tmp / "hello_app.py").write_text(HELLO)
    (tmp / "hello").write_text(LAUNCHER.format(python=sys.executable, module="hello_app"))
    e = env(PYTHONPATH=str(tmp))
    for target in (tmp, REPO / "quiz"):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(target)], check=True, env=e)
    quiz = quiz_exe()
    hello = [sys.executable, str(tmp / "hello")]
    print(f"# start-up, median of {repeat} runs each, load average {machine_load()}")
    ok = True
    for flag in ("--help", "--version"):
        for cmd in ([quiz, flag], [*hello, flag]) if ns.size != "tiny" else ():
            run(cmd, e)  # warm the OS page cache
        q, h = [], []
        for _ in range(repeat):
            q.append(run([quiz, flag], e).wall)
            h.append(run([*hello, flag], e).wall)
        mq, mh = statistics.median(q), statistics.median(h)
        met = mq <= 1.3 * mh
        ok &= met
        report(f"quiz {flag}", mq * 1000, "ms", mh * 1000, f"click hello-world {flag}", "<= 1.3x", met)
    print(f"# all start-up targets {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
