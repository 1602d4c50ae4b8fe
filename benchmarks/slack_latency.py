"""`/journey` through `journeybot serve`: ack latency and time to the full answer.

A real `journeybot serve` process (waitress, its default thread count) on the sample library, and
a local stand-in for Slack's Web API and response URLs. Each ask is a signed slash-command POST;
"ack" is the HTTP round trip, "answer" the time from sending until the answer reaches the response
URL. Sequential asks first, then rounds of N concurrent asks.

`propagation` runs two `serve` processes on one new SQLite database (each with its own data directory and
index, as two machines would) and times a library change made through one until the other's next
`/journey` answer shows it.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.latency import ASKS
from benchmarks.recommend_quality import load_queries

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from slack_standin import SlackSigner, SlackStandIn  # noqa: E402  (test support shared with the tests)

SECRET = "bench-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(sequential: int = 40, concurrency: int = 20, rounds: int = 3, burst: int = 50) -> dict[str, dict[str, float]]:
    texts = [q.text for q in load_queries()] + ASKS
    standin = SlackStandIn()
    data = Path(tempfile.mkdtemp(prefix="journeybot-slack-bench-"))
    env = {**os.environ, "JOURNEYBOT_DATA_DIR": str(data), "SLACK_API_URL": standin.api_url,
           "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET}
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "bot"]
    subprocess.run([*cmd, "library", "seed"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([*cmd, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    slack = SlackSigner(f"http://127.0.0.1:{port}/slack/events", SECRET)
    counter = iter(range(10**9))
    try:
        _wait_healthy(port, server)

        def one(text: str) -> tuple[float, float]:
            name = f"b{next(counter)}"
            started = time.monotonic()
            reply = slack.command(text, response_url=standin.response_url(name))
            if reply.status != 200:
                raise RuntimeError(f"ack was HTTP {reply.status}")
            answer = standin.wait_for(f"/respond/{name}", timeout=60)[0]
            return reply.elapsed, answer.at - started

        for text in texts[:3]:  # warm-up
            one(text)
        results = {"sequential": [one(texts[i % len(texts)]) for i in range(sequential)]}

        def together(batch: list[str]) -> list[tuple[float, float]]:
            out: list[tuple[float, float]] = []
            threads = [threading.Thread(target=lambda t=t: out.append(one(t))) for t in batch]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if len(out) != len(batch):
                raise RuntimeError(f"{len(batch) - len(out)} of {len(batch)} asks got no answer")
            return out

        results[f"{concurrency} concurrent ({rounds} rounds)"] = [
            pair for r in range(rounds)
            for pair in together([texts[(r * concurrency + i) % len(texts)] for i in range(concurrency)])]
        results[f"{burst} at once (load)"] = together([texts[i % len(texts)] for i in range(burst)])
    finally:
        server.terminate()
        server.wait(timeout=20)
        standin.close()
    return {
        mode: {"n": len(v), "acked_3s": sum(1 for a, _ in v if a <= 3.0), "ack_p50": _pct([a for a, _ in v], .5), "ack_p99": _pct([a for a, _ in v], .99),
               "answer_p50": _pct([b for _, b in v], .5), "answer_p99": _pct([b for _, b in v], .99),
               "answer_mean": statistics.mean(b for _, b in v)}
        for mode, v in results.items()
    }


def propagation(rounds: int = 10) -> dict[str, float]:
    """Seconds from a `/content add` (or `archive`) acknowledged by one worker until the other
    worker's next answer includes (or leaves out) the asset; alternating which worker writes."""
    standin = SlackStandIn()
    root = Path(tempfile.mkdtemp(prefix="journeybot-propagation-bench-"))
    env = {**os.environ, "SLACK_API_URL": standin.api_url, "SLACK_BOT_TOKEN": "xoxb-bench",
           "SLACK_SIGNING_SECRET": SECRET, "MARKETER_USER_IDS": "U0MKT"}
    env["DATABASE_URL"] = f"sqlite:///{root / 'shared.db'}"  # a fresh one, never the user's
    cmd = [sys.executable, "-m", "bot"]
    subprocess.run([*cmd, "library", "seed"], env={**env, "JOURNEYBOT_DATA_DIR": str(root / "seed")},
                   check=True, capture_output=True)
    servers, signers = [], []
    counter = iter(range(10**9))
    ask = "Cold-chain carrier's CFO wants an ROI calculator for reefer fuel savings before signing"

    def answer(signer: SlackSigner, text: str, command: str = "/journey", user: str = "U0REP") -> str:
        name = f"p{next(counter)}"
        reply = signer.command(text, command=command, user=user, response_url=standin.response_url(name))
        if reply.status != 200:
            raise RuntimeError(f"{command} got HTTP {reply.status}")
        if command == "/content" and reply.body:
            return reply.body
        return str(standin.wait_for(f"/respond/{name}", timeout=60)[0].body)

    try:
        for name in ("a", "b"):
            port = _free_port()
            servers.append(subprocess.Popen([*cmd, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                            env={**env, "JOURNEYBOT_DATA_DIR": str(root / name)},
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            signers.append(SlackSigner(f"http://127.0.0.1:{port}/slack/events", SECRET))
            _wait_healthy(port, servers[-1])
        for signer in signers:  # warm-up
            answer(signer, ask)
        seconds = []
        for r in range(rounds):
            writer, reader = signers[r % 2], signers[1 - r % 2]
            url = f"https://freightline.example/tools/reefer-fuel-roi-{r}"
            added = answer(writer, f'add {url} "Reefer fuel ROI calculator for cold-chain carriers" stage=decision '
                                   'type="roi calculator" tags=industry:cold-chain', command="/content", user="U0MKT")
            if "Added" not in added:
                raise RuntimeError(f"the add was refused: {added}")
            changed = time.monotonic()
            if url not in answer(reader, ask):
                raise RuntimeError("the other worker's next answer did not show the added asset")
            seconds.append(time.monotonic() - changed)
            if "Archived" not in answer(reader, f"archive {url}", command="/content", user="U0MKT"):
                raise RuntimeError("the archive was refused")
            changed = time.monotonic()
            if url in answer(writer, ask):
                raise RuntimeError("the other worker's next answer still showed the archived asset")
            seconds.append(time.monotonic() - changed)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        standin.close()
    return {"n": len(seconds), "p50": _pct(seconds, .5), "max": max(seconds)}


def propagation_table(result: dict[str, float]) -> str:
    return "\n".join([
        "| change through one worker → the other's next answer | changes | p50 | max |",
        "|---|---:|---:|---:|",
        f"| add, then archive, alternating workers | {result['n']} | {result['p50'] * 1000:.0f} ms | "
        f"{result['max'] * 1000:.0f} ms |",
        "\nGoal: within 5 s."])


def _wait_healthy(port: int, server: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("journeybot serve exited during start-up")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError("journeybot serve did not become healthy")


def table(results: dict[str, dict[str, float]]) -> str:
    lines = ["| mode | asks | acked ≤ 3 s, answered | ack p50 | ack p99 | answer p50 | answer p99 |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for mode, r in results.items():
        lines.append(f"| {mode} | {r['n']} | {r['acked_3s']}/{r['n']} | {r['ack_p50'] * 1000:.0f} ms | "
                     f"{r['ack_p99'] * 1000:.0f} ms | "
                     f"{r['answer_p50'] * 1000:.0f} ms | {r['answer_p99'] * 1000:.0f} ms |")
    lines.append("\nGoal: ack p99 ≤ 300 ms; answer p50 ≤ 500 ms.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run()))
    print()
    print(propagation_table(propagation()))
