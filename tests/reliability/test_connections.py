"""Slow, silent and oversized clients over raw sockets on loopback: closed or refused, and the
server keeps answering everyone else."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from .conftest import serve, stop_server

HEADER_TIMEOUT_S = 1
MAX_CONNECTIONS = 50
WAIT_S = HEADER_TIMEOUT_S + 4  # how long a test waits for the server to close a socket


@pytest.fixture(scope="module")
def served():
    s = serve(POLICYKG_HEADER_TIMEOUT=str(HEADER_TIMEOUT_S), POLICYKG_KEEP_ALIVE_TIMEOUT="1",
              POLICYKG_MAX_CONNECTIONS=str(MAX_CONNECTIONS), POLICYKG_MAX_HEADER_BYTES="16384",
              POLICYKG_MAX_URL_BYTES="16384")
    yield s
    stop_server(s)


def _port(server) -> int:
    return int(server.url.rsplit(":", 1)[1])


def _connect(server) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", _port(server)), timeout=WAIT_S)
    return s


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """(closed by the server, what it sent first) within ``seconds``."""
    sock.settimeout(seconds)
    data = b""
    try:
        while chunk := sock.recv(4096):
            data += chunk
    except socket.timeout:
        return False, data
    except OSError:
        pass
    return True, data


def _read_response(sock: socket.socket) -> bytes:
    """One whole response (head and a content-length body) from a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for s in opened:
        s.close()


def test_a_silent_socket_is_closed(served, sockets):
    sockets.append(_connect(served))
    started = time.monotonic()
    closed, data = _closed_within(sockets[0], WAIT_S)
    assert closed and data == b""
    assert time.monotonic() - started < WAIT_S


@pytest.mark.parametrize("head", [b"G", b"GET /health HTTP/1.1\r\n", b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: 1"])
def test_a_half_sent_head_gets_408_and_is_closed(served, sockets, head):
    s = _connect(served)
    sockets.append(s)
    s.sendall(head)
    closed, data = _closed_within(s, WAIT_S)
    assert closed and data.startswith(b"HTTP/1.1 408"), data[:100]
    assert b"POLICYKG_HEADER_TIMEOUT" in data


def test_a_kept_alive_connection_is_closed_when_idle_or_half_sending(served, sockets):
    s = _connect(served)
    sockets.append(s)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _read_response(s).startswith(b"HTTP/1.1 200")
    s.sendall(b"GET /hea")  # the next request, never finished
    closed, data = _closed_within(s, WAIT_S)
    assert closed and data.startswith(b"HTTP/1.1 408")
    idle = _connect(served)
    sockets.append(idle)
    idle.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _read_response(idle).startswith(b"HTTP/1.1 200")
    assert _closed_within(idle, WAIT_S)[0]


def _send_until_refused(s: socket.socket, parts: list[bytes]) -> bytes:
    sent = 0
    try:
        for part in parts:
            s.sendall(part)
            sent += len(part)
    except OSError:
        pass  # the server answered and closed before the whole head was sent
    _, data = _closed_within(s, WAIT_S)
    return data


def test_an_oversized_header_is_refused_before_it_is_read_whole(served, sockets):
    s = _connect(served)
    sockets.append(s)
    head = [b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: "] + [b"a" * 65536] * 1024 + [b"\r\n\r\n"]  # 64 MiB
    data = _send_until_refused(s, head)
    assert data.startswith(b"HTTP/1.1 431"), data[:100]
    assert b"POLICYKG_MAX_HEADER_BYTES" in data


def test_an_oversized_url_is_refused(served, sockets):
    s = _connect(served)
    sockets.append(s)
    data = _send_until_refused(s, [b"GET /health?q="] + [b"a" * 65536] * 256 + [b" HTTP/1.1\r\nHost: x\r\n\r\n"])
    assert data.startswith(b"HTTP/1.1 414"), data[:100]


def test_headers_under_the_limit_pass(served):
    r = httpx.get(served.url + "/health", headers={"X-Fine": "a" * 8000})
    assert r.status_code == 200


def test_a_flood_of_silent_sockets_does_not_lock_out_real_clients(served, sockets):
    for _ in range(MAX_CONNECTIONS * 4):
        sockets.append(_connect(served))
    for _ in range(5):
        assert httpx.get(served.url + "/health", timeout=5).status_code == 200
    # the server closed the oldest silent ones to stay within its cap
    open_ = 0
    for s in sockets:
        s.settimeout(0.05)
        try:
            if s.recv(1) != b"":
                open_ += 1
        except socket.timeout:
            open_ += 1
        except OSError:
            pass
    assert open_ <= MAX_CONNECTIONS
