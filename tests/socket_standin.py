"""A minimal stand-in for Slack's Socket Mode WebSocket endpoint (RFC 6455, plain ws:// on a free
port): it greets the client, sends envelopes the test gives it and records what the app sends back."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class SocketModeStandIn:
    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received: list[dict] = []
        self.received_at: list[float] = []  # time.monotonic() when each message arrived
        self.connected = threading.Event()
        self.cond = threading.Condition()
        self.conn: socket.socket | None = None
        self.send_lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=test"

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(4096)
        headers = dict(line.split(": ", 1) for line in request.decode().split("\r\n")[1:] if ": " in line)
        key = headers.get("Sec-WebSocket-Key") or headers.get("sec-websocket-key")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        self.conn = conn
        self.send({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0APP"}})
        self.connected.set()
        self._read(conn)

    def _recv_exact(self, conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _read(self, conn: socket.socket) -> None:
        try:
            while True:
                first, second = self._recv_exact(conn, 2)
                opcode, length = first & 0x0F, second & 0x7F
                if length == 126:
                    length = struct.unpack(">H", self._recv_exact(conn, 2))[0]
                elif length == 127:
                    length = struct.unpack(">Q", self._recv_exact(conn, 8))[0]
                mask = self._recv_exact(conn, 4) if second & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._recv_exact(conn, length)))
                if opcode == 0x8:
                    return
                if opcode == 0x9:
                    self._frame(0xA, payload)
                elif opcode == 0x1:
                    with self.cond:
                        self.received.append(json.loads(payload))
                        self.received_at.append(time.monotonic())
                        self.cond.notify_all()
        except (ConnectionError, OSError):
            return

    def _frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([n])
        elif n < 65536:
            header += bytes([126]) + struct.pack(">H", n)
        else:
            header += bytes([127]) + struct.pack(">Q", n)
        with self.send_lock:
            self.conn.sendall(header + payload)

    def send(self, message: dict) -> None:
        self._frame(0x1, json.dumps(message).encode())

    def wait_for_ack(self, envelope_id: str, timeout: float = 30) -> tuple[dict, float]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for m, at in zip(self.received, self.received_at, strict=True):
                    if m.get("envelope_id") == envelope_id:
                        return m, at
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no ack for envelope {envelope_id}; got {self.received}")
                self.cond.wait(remaining)

    def close(self) -> None:
        for s in (self.conn, self.listener):
            try:
                if s:
                    s.close()
            except OSError:
                pass
