"""The console at a real terminal (a pseudo-terminal): call notes pasted in one go are one
description, lines typed one by one are separate entries."""

import os
import pty
import subprocess
import sys
import threading
import time

from bot.terminal.console import pasted_entries

NOTES = (b"Jan: webinar, just learning\n"
         b"Mar: compared us with two vendors\n"
         b"Today: their procurement sent the PO for signature\n")


def _feed(master: int, *parts: bytes, pause: float = 0.4) -> threading.Thread:
    def run():
        for part in parts:
            os.write(master, part)
            time.sleep(pause)
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_paste_is_one_entry_and_typed_lines_stay_apart():
    master, slave = pty.openpty()
    try:
        feeder = _feed(master, NOTES, b":more\n", b":help\n", b"\x04")  # Ctrl-D at a line's start: the end
        entries = list(pasted_entries(slave))
        feeder.join()
    finally:
        os.close(master)
        os.close(slave)
    assert [e.splitlines() for e in entries] == [NOTES.decode().splitlines(), [":more"], [":help"]]


class _Output:
    """A process's stdout, read as it comes (a prompt has no newline to wait for)."""

    def __init__(self, stream) -> None:
        self.text, self._stream = "", stream
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        while chunk := os.read(self._stream.fileno(), 4096):
            self.text += chunk.decode("utf-8", "replace")

    def wait_for(self, needle: str, count: int = 1, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.text.count(needle) < count:
            assert time.monotonic() < deadline, f"no {needle!r} in time; output so far:\n{self.text}"
            time.sleep(0.05)


def test_the_console_answers_a_pasted_history_once_by_its_latest_line(cli_env):
    """End to end: `journeybot chat` at a terminal gets three pasted lines and answers one description
    (read as decision, the last line's purchase step), not three."""
    run = subprocess.run([sys.executable, "-m", "bot", "library", "seed"], capture_output=True, text=True, check=True)
    assert "70 added" in run.stdout
    master, slave = pty.openpty()
    chat = subprocess.Popen([sys.executable, "-m", "bot", "chat"], stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        out = _Output(chat.stdout)
        out.wait_for("prospect> ")
        os.write(master, NOTES)
        out.wait_for("prospect> ", count=2)
        os.write(master, b":quit\n")
        assert chat.wait(timeout=60) == 0
    finally:
        chat.kill()
        os.close(master)
        os.close(slave)
    out.wait_for("Bye.")
    assert out.text.count("Stage:") == 1 and "Stage: Decision" in out.text, out.text
