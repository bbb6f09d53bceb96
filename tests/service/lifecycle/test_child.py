"""A job in a new interpreter (service/lifecycle/child.py): its answer or its exception back, no process left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.lifecycle.child import ChildFailed, in_child


def _children() -> set[int]:
    """This process's living children, from /proc."""
    me, out = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != "Z":
            out.add(int(stat.parent.name))
    return out


def test_the_answer_comes_back_from_another_process_and_none_is_left():
    before = _children()
    pid, value = in_child(_pid_and_sum, [1, 2, 3])
    assert pid != os.getpid() and value == 6
    assert _children() == before  # no pool, no resource tracker living on beside a forking server


def test_the_childs_exception_is_raised_here():
    with pytest.raises(ValueError, match="no dataset at /nowhere"):
        in_child(_fail, "/nowhere")


def test_a_child_that_dies_is_told_not_hung_on():
    with pytest.raises(ChildFailed, match="exited with 3 and no answer"):
        in_child(os._exit, 3)


def test_an_answer_that_does_not_pickle_is_told():
    with pytest.raises(ChildFailed, match="does not pickle"):
        in_child(_unpicklable)


def _pid_and_sum(values: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(values)


def _fail(path: str) -> None:
    raise ValueError(f"no dataset at {path}")


def _unpicklable():
    return lambda: None
