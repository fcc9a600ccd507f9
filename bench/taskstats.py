"""The CPU time of processes as they exit, from the kernel's taskstats (generic netlink).

A process that lives a few milliseconds (a PostgreSQL backend opened for one unit of work and
closed) cannot be sampled reliably from /proc: it is gone before the next look. Registered
for a CPU mask, a taskstats listener receives one record per exiting task on those CPUs, with
its pid, parent pid and ``cpu_run_real_total`` (time on CPU, nanoseconds: the same clock as
``/proc/<pid>/schedstat``). Linux only, and it needs CAP_NET_ADMIN; ``ExitListener.start``
returns False when the kernel refuses, and callers fall back to sampling.

Layout of ``struct taskstats`` (include/uapi/linux/taskstats.h, stable since version 1 for
the fields read here): ``cpu_run_real_total`` at byte 64, ``ac_pid`` at 128, ``ac_ppid`` at
132.
"""

from __future__ import annotations

import os
import socket
import struct
import threading

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
TASKSTATS_CMD_GET = 1
TASKSTATS_CMD_NEW = 2
TASKSTATS_CMD_ATTR_REGISTER_CPUMASK = 3
TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK = 4
TASKSTATS_TYPE_PID = 1
TASKSTATS_TYPE_STATS = 3
TASKSTATS_TYPE_AGGR_PID = 4
NLMSG_ERROR = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
_RUN_REAL_TOTAL = 64
_AC_PID = 128
_AC_PPID = 132


def _attr(kind: int, data: bytes) -> bytes:
    size = 4 + len(data)
    return struct.pack("HH", size, kind) + data + b"\0" * (-size % 4)


def _attrs(data: bytes) -> dict[int, bytes]:
    out: dict[int, bytes] = {}
    at = 0
    while at + 4 <= len(data):
        size, kind = struct.unpack_from("HH", data, at)
        if size < 4:
            break
        out[kind & 0x3FFF] = data[at + 4 : at + size]
        at += (size + 3) & ~3
    return out


class ExitListener:
    """Collects ``pid -> (parent pid, CPU seconds)`` for tasks exiting while it runs;
    with ``parent``, only that process's children."""

    def __init__(self, parent: int | None = None) -> None:
        self.parent = parent
        self.exits: dict[int, tuple[int, float]] = {}
        self.lost = 0  # receive-buffer overflows: records the kernel dropped
        self._sock: socket.socket | None = None
        self._family = 0
        self._mask = b""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        try:
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
            sock.bind((0, 0))
            sock.settimeout(2)
            self._sock = sock
            self._family = self._resolve_family()
            self._mask = f"0-{(os.cpu_count() or 1) - 1}\0".encode()
            self._request(TASKSTATS_CMD_ATTR_REGISTER_CPUMASK)
        except OSError:
            self.close()
            return False
        sock.settimeout(0.1)
        self._thread = threading.Thread(target=self._receive, name="taskstats", daemon=True)
        self._thread.start()
        return True

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        if self._sock is not None:
            try:
                self._sock.settimeout(2)
                self._request(TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK)
            except OSError:
                pass
            self._sock.close()
            self._sock = None

    def _send(self, family: int, cmd: int, attrs: bytes) -> None:
        assert self._sock is not None
        payload = struct.pack("BBH", cmd, 1, 0) + attrs
        header = struct.pack("IHHII", 16 + len(payload), family, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
        self._sock.send(header + payload)

    def _reply(self) -> bytes:
        assert self._sock is not None
        data = self._sock.recv(65536)
        kind = struct.unpack_from("H", data, 4)[0]
        if kind == NLMSG_ERROR and struct.unpack_from("i", data, 16)[0] != 0:
            raise OSError(-struct.unpack_from("i", data, 16)[0], "taskstats refused")
        return data

    def _resolve_family(self) -> int:
        self._send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, _attr(CTRL_ATTR_FAMILY_NAME, b"TASKSTATS\0"))
        data = self._reply()
        family = _attrs(data[20:]).get(CTRL_ATTR_FAMILY_ID)
        if family is None:
            raise OSError("no TASKSTATS family")
        self._reply()  # the ACK
        return int(struct.unpack_from("H", family)[0])

    def _request(self, attribute: int) -> None:
        self._send(self._family, TASKSTATS_CMD_GET, _attr(attribute, self._mask))
        self._reply()

    def _receive(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                data = self._sock.recv(1 << 16)
            except TimeoutError:
                continue
            except OSError:  # ENOBUFS: the kernel dropped records
                self.lost += 1
                continue
            self._parse(data)

    def _parse(self, data: bytes) -> None:
        at = 0
        while at + 16 <= len(data):
            size, kind = struct.unpack_from("IH", data, at)
            if size < 16:
                break
            if kind == self._family and data[at + 16] == TASKSTATS_CMD_NEW:
                aggregate = _attrs(data[at + 20 : at + size]).get(TASKSTATS_TYPE_AGGR_PID)
                stats = _attrs(aggregate).get(TASKSTATS_TYPE_STATS) if aggregate else None
                if stats is not None and len(stats) >= _AC_PPID + 4:
                    pid, ppid = struct.unpack_from("II", stats, _AC_PID)
                    if self.parent is None or ppid == self.parent:
                        cpu = struct.unpack_from("Q", stats, _RUN_REAL_TOTAL)[0] / 1e9
                        self.exits[pid] = (ppid, cpu)
            at += (size + 3) & ~3
