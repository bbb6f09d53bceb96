"""One job run in a new interpreter, its result or its exception handed back.

A start-up cache entry (a whole dataset read) is made in a child so that the
parent's heap, which ``serve --workers N`` forks its workers from, stays as
small as it was; and the child is a new interpreter, not a fork, because the
parent may run threads.

A plain subprocess, not a multiprocessing pool: a spawn-context pool starts
multiprocessing's resource tracker, a further interpreter (14 MiB) that lives
as long as the parent, beside every forking server.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

# run by the child: the parent's import path first, then the job (which unpickles by import)
_CHILD = """
import pickle, sys
with open(sys.argv[1], "rb") as f:
    sys.path[:] = pickle.load(f)
    job, args = pickle.load(f)
from service.lifecycle.child import _run
_run(job, args, sys.argv[2])
"""


class ChildFailed(RuntimeError):
    """The child ended without handing back a result (killed, out of memory, or its answer not picklable)."""


def in_child(job: Any, *args: Any) -> Any:
    """``job(*args)`` in a new interpreter: what it returns, or the exception it raised, raised here.
    ``job`` and ``args`` must pickle (a module-level function and plain values)."""
    with tempfile.TemporaryDirectory(prefix="policykg-child-") as tmp:
        given, answer = Path(tmp) / "job", Path(tmp) / "answer"
        with open(given, "wb") as f:
            pickle.dump(list(sys.path), f, pickle.HIGHEST_PROTOCOL)
            pickle.dump((job, args), f, pickle.HIGHEST_PROTOCOL)
        done = subprocess.run([sys.executable, "-c", _CHILD, str(given), str(answer)])
        if not answer.is_file():
            raise ChildFailed(f"{getattr(job, '__qualname__', job)} in a child process: exited with "
                              f"{done.returncode} and no answer")
        ok, value = pickle.loads(answer.read_bytes())
    if not ok:
        raise value
    return value


def _run(job: Any, args: tuple, answer: str) -> None:
    try:
        out = (True, job(*args))
    except Exception as exc:  # noqa: BLE001 - handed back to the parent, which raises it
        out = (False, exc)
    try:
        data = pickle.dumps(out, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - an answer that does not pickle is told, not lost
        data = pickle.dumps((False, ChildFailed(f"the child's answer does not pickle: {type(exc).__name__}: {exc}")))
    tmp = f"{answer}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, answer)  # whole or absent: a child killed while writing leaves no half answer
