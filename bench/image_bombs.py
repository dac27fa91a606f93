"""Peak memory of a release pinbox under image bombs: a 100 MB POST /v5/pins body, a 10,000 x
10,000 PNG (a few hundred KB that decode to 300 MB), seven of them at once, the first renditions
of such originals once stored (no token needed), and seven 7,000 x 7,000 PNGs (49 MP, under the
default pixel limit) at once, created and rendered. Every workload runs on a fresh server, so
each figure is that workload's own peak: the server's VmHWM (/proc/<pid>/status).

    python3 bench/image_bombs.py [BINARY ...]

runs every workload on each binary (default target/release/pinbox), BENCH_ROUNDS times (default
1; the lowest and highest peak are shown), and prints one Markdown table with a column per
binary; bench/results/image-bombs.md holds a before-and-after run."""

import base64
import json
import os
import secrets
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import PINBOX, Process, log  # noqa: E402

MB = 1024 * 1024


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


_IDAT = {}


def black_png(side, tag):
    """A side x side black RGB PNG; `tag` (a tEXt chunk) makes each one a different file. The
    compressed rows are made once per size, row by row, never holding the pixels."""
    if side not in _IDAT:
        z = zlib.compressobj(9)
        row = b"\x00" * (1 + 3 * side)
        parts = [z.compress(row) for _ in range(side)]
        parts.append(z.flush())
        _IDAT[side] = b"".join(parts)
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"tEXt", b"Comment\x00" + tag.encode())
            + chunk(b"IDAT", _IDAT[side]) + chunk(b"IEND", b""))


def vm_hwm_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def request(method, url, token=None, body=None, timeout=600):
    """The status of one request (its answer read and dropped); errors count as their status."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null") if "json" in resp.headers.get("Content-Type", "") else None
    except urllib.error.HTTPError as e:
        return e.code, None


def at_once(calls):
    """Runs the calls on one thread each, together; their results in order."""
    results = [None] * len(calls)

    def run(i, call):
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class Server:
    """A fresh data dir with a user, a Standard app, a token and a board, and pinbox serving it."""

    def __init__(self, binary):
        self.dir = Path(tempfile.mkdtemp(prefix="pinbox-bombs-"))
        data = ["--data-dir", str(self.dir / "data")]
        cli = lambda *a: subprocess.run([str(binary), *a, *data], capture_output=True, text=True,  # noqa: E731
                                        check=True).stdout.strip()
        cli("user", "create", "bench")
        app_id = cli("app", "create", "--owner", "bench", "--name", "bench", "--tier", "standard").split()[0]
        self.token = cli("token", "issue", "--user", "bench", "--app", app_id,
                         "--scopes", "boards:read,boards:write,pins:read,pins:write")
        self.proc = Process([str(binary), "serve", "--addr", "127.0.0.1:0", "--no-demo", "--rate-limits", "off", *data],
                            env={"PINBOX_LOG": "error"}, ready=r"pinbox listening on (\S+)")
        self.base = self.proc.base
        status, b = request("POST", f"{self.base}/v5/boards", self.token, {"name": "bombs"})
        assert status == 201, status
        self.board = b["id"]

    def peak(self):
        return vm_hwm_mb(self.proc.pid)

    def pin(self, png):
        return request("POST", f"{self.base}/v5/pins", self.token, {
            "board_id": self.board,
            "media_source": {"source_type": "image_base64", "content_type": "image/png",
                             "data": base64.b64encode(png).decode()}})[0]

    def store_original(self, png):
        """Puts `png` where pinbox keeps an image's original, as if an earlier pinbox had taken it;
        returns its first rendition's URL."""
        key = secrets.token_hex(16)
        path = self.dir / "data" / "media" / "images" / key[0:2] / key[2:4] / key / "original"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return f"{self.base}/media/600x/{key[0:2]}/{key[2:4]}/{key[4:6]}/{key}.jpg"

    def stop(self):
        self.proc.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def raw_post(base, token, board, size):
    """POSTs a `size`-byte create body as one base64 string, stopping when pinbox answers early.
    Returns what it answered (or how the connection ended) and the MB sent."""
    head_json = json.dumps({"board_id": board, "media_source": {
        "source_type": "image_base64", "content_type": "image/png", "data": ""}})
    prefix, suffix = head_json[:-3].encode(), head_json[-3:].encode()
    filler = size - len(prefix) - len(suffix)
    u = urllib.parse.urlparse(base)
    s = socket.create_connection((u.hostname, u.port))
    s.sendall((f"POST /v5/pins HTTP/1.1\r\nHost: {u.netloc}\r\nAuthorization: Bearer {token}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n").encode() + prefix)
    sent, block = len(prefix), b"A" * MB
    try:
        while filler > 0:
            if select.select([s], [], [], 0)[0]:
                break
            n = min(filler, MB)
            s.sendall(block[:n])
            sent += n
            filler -= n
        else:
            s.sendall(suffix)
            sent += len(suffix)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        s.settimeout(600)
        reply = s.recv(4096).decode(errors="replace")
        answer = reply.split(" ")[1] if reply.startswith("HTTP/") else "no answer"
    except (BrokenPipeError, ConnectionResetError):
        answer = "connection reset"
    finally:
        s.close()
    return answer, sent / 1e6


def statuses(results):
    counts = {}
    for r in results:
        counts[r] = counts.get(r, 0) + 1
    return ", ".join(f"{n}x {s}" if n > 1 else f"{s}" for s, n in counts.items())


def workloads():
    bomb = lambda tag: black_png(10_000, tag)  # noqa: E731
    photo = lambda tag: black_png(7_000, tag)  # noqa: E731

    def body_100mb(srv):
        answer, sent = raw_post(srv.base, srv.token, srv.board, 100_000_000)
        return f"{answer} after {sent:.1f} MB sent"

    def one_bomb(srv):
        return statuses([srv.pin(bomb("one"))])

    def seven_bombs(srv):
        return statuses(at_once([lambda i=i: srv.pin(bomb(f"seven-{i}")) for i in range(7)]))

    def one_stored_bomb(srv):
        url = srv.store_original(bomb("stored"))
        return statuses([request("GET", url)[0]])

    def seven_stored_bombs(srv):
        urls = [srv.store_original(bomb(f"stored-{i}")) for i in range(7)]
        return statuses(at_once([lambda u=u: request("GET", u)[0] for u in urls]))

    def seven_photos(srv):
        return statuses(at_once([lambda i=i: srv.pin(photo(f"photo-{i}")) for i in range(7)]))

    def seven_stored_photos(srv):
        urls = [srv.store_original(photo(f"stored-photo-{i}")) for i in range(7)]
        return statuses(at_once([lambda u=u: request("GET", u)[0] for u in urls]))

    return [
        ("POST /v5/pins, a 100 MB body", body_100mb),
        ("POST a 10,000x10,000 PNG", one_bomb),
        ("POST seven 10,000x10,000 PNGs at once", seven_bombs),
        ("GET the first rendition of a stored 10,000x10,000 original", one_stored_bomb),
        ("GET first renditions of seven stored 10,000x10,000 originals at once", seven_stored_bombs),
        ("POST seven 7,000x7,000 PNGs (49 MP) at once", seven_photos),
        ("GET first renditions of seven stored 7,000x7,000 originals at once", seven_stored_photos),
    ]


def main(binaries, rounds):
    log(f"bomb PNG: {len(black_png(10_000, 'size'))/1000:.0f} KB; 49 MP PNG: {len(black_png(7_000, 'size'))/1000:.0f} KB")
    rows, idle = [], 0
    for name, run in workloads():
        cells = []
        for binary in binaries:
            answers, peaks = set(), []
            for _ in range(rounds):
                srv = Server(binary)
                try:
                    idle = max(idle, srv.peak())
                    answers.add(run(srv))
                    peaks.append(srv.peak())
                    log(f"{name} [{binary}]: {answers}; peak RSS {peaks[-1]:.0f} MB")
                finally:
                    srv.stop()
            low, high = min(peaks), max(peaks)
            shown = f"{low:,.0f}" if round(low) == round(high) else f"{low:,.0f}–{high:,.0f}"
            cells.append((" / ".join(sorted(answers)), shown))
        rows.append((name, cells))
    header = "| workload | " + " | ".join(f"`{b}`: answers | peak RSS MB" for b in binaries) + " |"
    lines = [header, "|---|" + "---|---:|" * len(binaries)]
    for name, cells in rows:
        lines.append(f"| {name} | " + " | ".join(f"{a} | {p}" for a, p in cells) + " |")
    lines += ["", f"Each server's peak before its workload (started, a board made): at most {idle:.0f} MB."]
    print("\n".join(lines))


if __name__ == "__main__":
    main([Path(b) for b in sys.argv[1:]] or [PINBOX], int(os.environ.get("BENCH_ROUNDS", "1")))
