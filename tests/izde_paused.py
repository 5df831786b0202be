"""`izde` with a test hook in its index run: pause, or fail, at one point of the pipeline.

    python tests/izde_paused.py POINT SECONDS [--after N] [--fail ERRNO] -- index CORPUS ...

At POINT (read, write, segment, commit, switch; see indexer/index/update.py) the run prints
`IZDE_TEST_PAUSED <point>` to stderr and sleeps SECONDS, so a test can kill it there with
SIGKILL; "write" pauses after the Nth paragraph added (`--after`, default 1). With `--fail`
the run raises OSError(ERRNO) there instead, as a full disk or a refused write would. The
hook travels in click's context object, which only a caller like this one can set.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from indexer.cli import main


def hook_for(point: str, seconds: float, after: int, fail: int | None):
    def hook(at: str, count: int) -> None:
        if at != point or (at == "write" and count != after):
            return
        if fail is not None:
            raise OSError(fail, os.strerror(fail))
        sys.stderr.write(f"IZDE_TEST_PAUSED {at}\n")
        sys.stderr.flush()
        time.sleep(seconds)

    return hook


def run(argv: list[str]) -> None:
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("point")
    parser.add_argument("seconds", type=float)
    parser.add_argument("--after", type=int, default=1)
    parser.add_argument("--fail", type=int, default=None)
    args = parser.parse_args(argv[:split])
    hook = hook_for(args.point, args.seconds, args.after, args.fail)
    main(argv[split + 1 :], prog_name="izde", obj={"index_hook": hook})


if __name__ == "__main__":
    run(sys.argv[1:])
