"""The virus scan every upload goes through: clamd over its unix socket, or a recorded "not scanned"."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Protocol

from grantsfund.organisations.models import ScanStatus

CHUNK = 64 * 1024


class ScanFailed(Exception):
    """The scanner could not give an answer (not running, timed out, answered nonsense)."""


@dataclass(frozen=True)
class ScanResult:
    status: ScanStatus | None  # None: infected
    threat: str | None = None

    @property
    def infected(self) -> bool:
        return self.threat is not None


class Scanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...


class NoScanner:
    """No scanner configured: the file is kept and recorded as not scanned."""

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(ScanStatus.NOT_SCANNED)


class ClamdScanner:
    """clamd's INSTREAM command: `zINSTREAM\\0`, then chunks each with a 4-byte big-endian length,
    then a zero length. clamd answers `stream: OK` or `stream: <name> FOUND`."""

    def __init__(self, socket_path: str, *, timeout: float = 30.0) -> None:
        self.socket_path = socket_path
        self.timeout = timeout

    def scan(self, data: bytes) -> ScanResult:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(self.timeout)
                connection.connect(self.socket_path)
                connection.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start : start + CHUNK]
                    connection.sendall(struct.pack("!L", len(chunk)) + chunk)
                connection.sendall(struct.pack("!L", 0))
                reply = _read_reply(connection)
        except OSError as error:
            raise ScanFailed(f"clamd at {self.socket_path}: {error}") from error
        return parse_reply(reply)


def _read_reply(connection: socket.socket) -> bytes:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < 4096:
        part = connection.recv(4096)
        if not part:
            break
        reply += part
    return reply


def parse_reply(reply: bytes) -> ScanResult:
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace")
    if text == "stream: OK":
        return ScanResult(ScanStatus.CLEAN)
    if text.startswith("stream: ") and text.endswith(" FOUND"):
        return ScanResult(None, threat=text.removeprefix("stream: ").removesuffix(" FOUND"))
    raise ScanFailed(f"clamd answered {text[:200]!r}")


def scanner_for(clamd_socket: str | None) -> Scanner:
    return ClamdScanner(clamd_socket) if clamd_socket else NoScanner()
