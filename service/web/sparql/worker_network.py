"""Take network access away from a process: the SPARQL workers evaluate with none.

The query checks (service/web/sparql/guard.py) refuse SERVICE; this is the wall
behind them, so that a spelling both checks miss still reaches nothing.
pyoxigraph's HTTP client is Rust code: patching Python's ``socket`` would
not stop it, so the kernel has to. Two ways, the first that works:

- ``namespace``: ``unshare(CLONE_NEWNET)`` moves the process into a network
  namespace of its own, where not even loopback is up: every connect fails
  (ENETUNREACH) and no name resolves. Needs CAP_SYS_ADMIN (root, or a
  container allowed to make namespaces).
- ``seccomp``: a seccomp filter refuses (EPERM) every ``socket()`` call but
  AF_UNIX, and io_uring (which could make sockets behind the filter's back).
  Needs no privilege (Linux >= 3.5, x86-64 or aarch64).

Sockets opened before the cut (the pipe to the server) keep working. The
cut is for the life of the process and cannot be undone from inside it.
``POLICYKG_SPARQL_NETWORK`` picks: ``auto`` (default: the first that works),
``namespace`` or ``seccomp`` (that one, or the worker does not start), or
``off`` (nothing: the query checks alone protect).
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

from ... import settings

MODES = ("auto", "namespace", "seccomp", "off")


class NetworkCutFailed(Exception):
    pass


def requested_mode() -> str:
    return settings.get("POLICYKG_SPARQL_NETWORK")  # one of MODES (service/settings.py checks it)


def cut_network(mode: str = "auto") -> str:
    """Apply ``mode`` to this process; returns what was applied ("namespace", "seccomp" or "off")."""
    if mode == "off":
        return "off"
    failures = []
    for name, cut in (("namespace", _new_namespace), ("seccomp", _seccomp_no_sockets)):
        if mode not in ("auto", name):
            continue
        try:
            cut()
            return name
        except (OSError, NetworkCutFailed) as exc:
            failures.append(f"{name}: {exc}")
    if mode == "auto":
        return "off"  # the caller logs it: the query checks still refuse SERVICE
    raise NetworkCutFailed("; ".join(failures))


# -- a network namespace --------------------------------------------------------------------------

CLONE_NEWNET = 0x40000000


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _new_namespace() -> None:
    if not hasattr(os, "unshare"):
        libc = _libc()
        if libc.unshare(CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
    else:  # Python 3.12+
        os.unshare(CLONE_NEWNET)


# -- a seccomp filter -----------------------------------------------------------------------------

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
AF_UNIX = 1
# BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06

# machine -> (AUDIT_ARCH, socket, io_uring_setup, seccomp, x32 bit or 0)
_ARCH = {
    "x86_64": (0xC000003E, 41, 425, 317, 0x40000000),
    "aarch64": (0xC00000B7, 198, 425, 277, 0),
}


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def _program(arch: int, sys_socket: int, sys_io_uring: int, x32_bit: int) -> list[tuple[int, int, int, int]]:
    deny = SECCOMP_RET_ERRNO | errno.EPERM
    # seccomp_data: nr at offset 0, arch at 4, args[0] at 16 (low 32 bits on little-endian)
    prog = [
        (_LD_W_ABS, 0, 0, 4),
        (_JEQ_K, 1, 0, arch),           # a foreign ABI (32-bit calls on a 64-bit kernel): refuse all of it
        (_RET_K, 0, 0, deny),
        (_LD_W_ABS, 0, 0, 0),
    ]
    if x32_bit:
        prog += [(_JGE_K, 0, 1, x32_bit), (_RET_K, 0, 0, deny)]  # the x32 ABI numbers every call anew
    prog += [
        (_JEQ_K, 0, 1, sys_io_uring),
        (_RET_K, 0, 0, deny),
        (_JEQ_K, 0, 3, sys_socket),
        (_LD_W_ABS, 0, 0, 16),
        (_JEQ_K, 1, 0, AF_UNIX),
        (_RET_K, 0, 0, deny),
        (_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return prog


def _seccomp_no_sockets() -> None:
    machine = platform.machine()
    if machine not in _ARCH or struct.calcsize("P") != 8:
        raise NetworkCutFailed(f"no seccomp filter for {machine}")
    arch, sys_socket, sys_io_uring, sys_seccomp, x32_bit = _ARCH[machine]
    rules = _program(arch, sys_socket, sys_io_uring, x32_bit)
    filters = (_Filter * len(rules))(*[_Filter(*r) for r in rules])
    program = _Program(len(rules), filters)
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"no_new_privs: {os.strerror(e)}")
    # every thread of the process, not only this one (TSYNC); plain prctl where seccomp(2) is missing
    if libc.syscall(sys_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(program)) != 0:
        if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0:
            e = ctypes.get_errno()
            raise OSError(e, f"seccomp: {os.strerror(e)}")
