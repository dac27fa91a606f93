"""The pinbox benchmark: pinbox against the practical limit of this machine (a minimal axum
server) and against what users would run instead (Stoplight Prism serving Pinterest's spec),
measured side by side in one run with wrk, reported as ratios. Run it with bench/run.

Figures are never asserted in tests; the targets below are checked here and reported.
`bench/bench.py upload` runs only the upload workload (after `cargo build --release`)."""

import base64
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = ROOT / "target" / "bench"
PINBOX = ROOT / "target" / "release" / "pinbox"
AXUM = ROOT / "target" / "release" / "examples" / "axum_limit"
SPEC = Path(os.environ.get("PINBOX_SPEC", ROOT.parent / "shared" / "pinterest-openapi" / "openapi.json"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
THREADS = 2
GET_PIN_ROUNDS = 3


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def png(w, h, rgb):
    row = b"\x00" + bytes(rgb) * w

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * h)) + chunk(b"IEND", b"")


def distinct_pngs(path, n, start=0):
    """n different 16x16 PNGs, base64, one per line: every POST brings a new image. Sets made
    with different `start`s share no image, so one workload never finds another's stored."""
    with open(path, "w") as f:
        for i in range(start, start + n):
            f.write(base64.b64encode(png(16, 16, (i % 256, (i // 256) % 256, (i // 65536) % 256))).decode())
            f.write("\n")


def rss_mb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return float("nan")


def http(method, url, token=None, body=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def wait_first_answer(url, token, started, timeout=60):
    """Milliseconds from `started` until `url` answers 200."""
    while time.monotonic() - started < timeout:
        try:
            status, _ = http("GET", url, token)
            if status == 200:
                return (time.monotonic() - started) * 1000
        except Exception:
            time.sleep(0.002)
    raise RuntimeError(f"{url} never answered")


class Process:
    def __init__(self, args, env=None, ready=None):
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env={**os.environ, **(env or {})}
        )
        self.base = None
        if ready:
            for line in self.proc.stdout:
                m = re.search(ready, line)
                if m:
                    self.base = m.group(1)
                    break
            if not self.base:
                raise RuntimeError(f"{args[0]} exited before it was ready")

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def wrk(url, script, env, connections=CONNECTIONS, duration=DURATION):
    """Runs wrk and returns requests/s, p50 and p99 latency (ms) and the count of non-2xx answers."""
    out = subprocess.run(
        ["wrk", f"-t{min(THREADS, connections)}", f"-c{connections}", f"-d{duration}", "--latency", "-s", str(BENCH / "lua" / script), url],
        capture_output=True, text=True, env={**os.environ, **env}, check=True,
    ).stdout

    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "non2xx": int(bad.group(1)) if bad else 0}


def wrk_pair(urls, script, envs):
    """Two wrk runs at once (one per replica), half the connections each; throughput summed."""
    procs = [
        subprocess.Popen(
            ["wrk", f"-t1", f"-c{CONNECTIONS // 2}", f"-d{DURATION}", "--latency", "-s", str(BENCH / "lua" / script), url],
            stdout=subprocess.PIPE, text=True, env={**os.environ, **env},
        )
        for url, env in zip(urls, envs)
    ]
    results = []
    for p in procs:
        out, _ = p.communicate()
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", out, re.M)
        v, u = float(p99.group(1)), p99.group(2)
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        results.append({"rps": rps, "p99": v / 1000 if u == "us" else v * 1000 if u == "s" else v,
                        "non2xx": int(bad.group(1)) if bad else 0})
    return {"rps": sum(r["rps"] for r in results), "p50": float("nan"), "p99": max(r["p99"] for r in results),
            "non2xx": sum(r["non2xx"] for r in results)}


def box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_file(path, size):
    """An MP4 of about `size` bytes that pinbox reads as a 1280x720, 60 s video: ftyp, moov with
    one video track, then `mdat` filler (pinbox reads the boxes, never the frames)."""
    w, h, ms = 1280, 720, 60_000
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = (struct.pack(">B3xIIII", 0, 0, 0, 1000, ms) + struct.pack(">IH10x", 0x10000, 0x100) + matrix
            + bytes(24) + struct.pack(">I", 2))
    tkhd = struct.pack(">B3BIIIII", 0, 0, 0, 7, 0, 0, 1, 0, ms) + bytes(16) + matrix + struct.pack(">II", w << 16, h << 16)
    mdhd = struct.pack(">B3xIIII", 0, 0, 0, 1000, ms) + b"\x55\xc4\x00\x00"
    hdlr = bytes(8) + b"vide" + bytes(12) + b"video\x00"
    entry = bytes(6) + struct.pack(">H", 1) + bytes(16) + struct.pack(">HH", w, h) + bytes(50)
    stsd = struct.pack(">II", 0, 1) + box(b"avc1", entry)
    mdia = box(b"mdhd", mdhd) + box(b"hdlr", hdlr) + box(b"minf", box(b"stbl", box(b"stsd", stsd)))
    trak = box(b"trak", box(b"tkhd", tkhd) + box(b"mdia", mdia))
    head = box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41") + box(b"moov", box(b"mvhd", mvhd) + trak)
    n = max(size - len(head) - 8, 0)
    chunk = os.urandom(1 << 20)
    with open(path, "wb") as f:
        f.write(head + struct.pack(">I", 8 + n) + b"mdat")
        while n > 0:
            f.write(chunk[: min(n, len(chunk))])
            n -= min(n, len(chunk))


def upload_mb_s(base, token, video, runs=5):
    """MB/s of uploading `video` through the S3-style endpoint with curl (register, then POST the
    form with the file last), median of `runs`; each upload is checked to end `succeeded`."""
    size = video.stat().st_size
    rates = []
    for _ in range(runs):
        _, reg = http("POST", f"{base}/v5/media", token, {"media_type": "video"})
        args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"]
        for k, v in reg["upload_parameters"].items():
            args += ["--form-string", f"{k}={v}"]
        args += ["--form", f"file=@{video}", reg["upload_url"]]
        started = time.monotonic()
        code = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        elapsed = time.monotonic() - started
        if code != "204":
            raise RuntimeError(f"upload answered {code}")
        _, media = http("GET", f"{base}/v5/media/{reg['media_id']}", token)
        if media["status"] != "succeeded":
            raise RuntimeError(f"the upload ended {media['status']}")
        rates.append(size / 1e6 / elapsed)
    rates.sort()
    return rates[len(rates) // 2], rates[-1]


def pinbox_cli(data_args, *args):
    """What a `pinbox` admin command printed, stripped; it fails the run if the command fails."""
    return subprocess.run([str(PINBOX), *args, *data_args], capture_output=True, text=True, check=True).stdout.strip()


def upload_only():
    """`bench/bench.py upload`: just the upload workload, on a fresh data dir."""
    WORK.mkdir(parents=True, exist_ok=True)
    data = WORK / "upload-data"
    shutil.rmtree(data, ignore_errors=True)
    cli = lambda *a: pinbox_cli(["--data-dir", str(data)], *a)
    cli("user", "create", "bench")
    app_id = cli("app", "create", "--owner", "bench", "--name", "bench", "--tier", "standard").split()[0]
    token = cli("token", "issue", "--user", "bench", "--app", app_id, "--scopes", "pins:read,pins:write")
    video = WORK / "upload-50mb.mp4"
    mp4_file(video, 50 * 1000 * 1000)
    server, _ = serve_pinbox(["--data-dir", str(data)], ["--media-processing-delay", "0"])
    try:
        before = rss_mb(server.pid)
        median, best = upload_mb_s(server.base, token, video)
        growth = rss_mb(server.pid) - before
    finally:
        server.stop()
    print(f"upload of a 50 MB video through the S3-style endpoint: median {median:.0f} MB/s, "
          f"best {best:.0f} MB/s; server RSS grew {growth:.1f} MB over 5 uploads")


# Search queries over the seeded Pins (src/cli/seed.rs): "seed" is on every Pin's description,
# each other word on about 3%, pairs on fewer, accents folded, and one query matching nothing.
POST_PIN_AND_RENDITIONS = "POST /v5/pins, then GET its 4 renditions (5 requests a Pin)"
SEARCH_QUERIES = "seed|tulip|Creme brulee|garden kitchen|CAFÉ|seeded pin|meadow glacier|nothing here"


def seed(data_args, ids_file):
    started = time.monotonic()
    out = subprocess.run(
        [str(PINBOX), "seed", "--ids-out", str(ids_file), *data_args], capture_output=True, text=True, check=True
    )
    info = json.loads(out.stdout)
    info["wall_seconds"] = time.monotonic() - started
    return info


def serve_pinbox(data_args, extra=(), binary=None):
    started = time.monotonic()
    p = Process(
        [str(binary or PINBOX), "serve", "--addr", "127.0.0.1:0", "--no-demo",
         "--max-boards-per-user", "1000000000", "--max-pins-per-user", "1000000000", *data_args, *extra],
        env={"PINBOX_LOG": "error"}, ready=r"pinbox listening on (\S+)",
    )
    return p, started


# Limits high enough that every request of the benchmark is admitted, so that the workloads pay
# for counting every request (per user per second, and the category's quota per minute) without
# refusing any: one token sends far more than a Standard user's 100 calls a second.
COUNT_EVERYTHING = """
[rate_limits.standard]
overall = { limit = 2000000000, window = "1s" }
org_read = { limit = 2000000000, window = "1m" }
org_write = { limit = 2000000000, window = "1m" }
org_analytics = { limit = 2000000000, window = "1m" }
ads_read = { limit = 2000000000, window = "1m" }
ads_write = { limit = 2000000000, window = "1m" }
ads_analytics = { limit = 2000000000, window = "1m" }
"""


def counting():
    """Server arguments that count every request against rate limits too high to refuse any."""
    config = WORK / "count-everything.toml"
    config.write_text(COUNT_EVERYTHING)
    return ["--config", str(config)]


def rate_limit_pair(data, env, results, notes, rounds=3):
    """GET one Pin with rate limits off and on, alternated back to back (`rounds` times each,
    best run kept) so that the machine's other load hits both alike, and the same pair counted
    in instructions by callgrind (noise-free) when valgrind is installed."""
    modes = {"off": ["--rate-limits", "off"], "on": counting()}
    runs = {"off": [], "on": []}
    for i in range(rounds):
        for mode in (("off", "on") if i % 2 == 0 else ("on", "off")):
            log(f"pinbox: GET one Pin, rate limits {mode} (round {i + 1} of {rounds})")
            server, _ = serve_pinbox(["--data-dir", str(data)], modes[mode])
            runs[mode].append(wrk(server.base, "get_pin.lua", env))
            server.stop()
    median = {}
    for mode in ("off", "on"):
        median[mode] = median_run(runs[mode])
        results[f"GET /v5/pins/{{id}}, rate limits {mode} (median of {rounds})"] = median[mode]
        notes[f"rate_limits_{mode}_rps_runs"] = " / ".join(f"{r['rps']:,.0f}" for r in runs[mode])
    off, on = median["off"]["rps"], median["on"]["rps"]
    notes["rate_limits_throughput_cost_pct"] = (off - on) / off * 100
    if any(r["non2xx"] for r in runs["on"]):
        raise RuntimeError("a request was refused with limits on: the pair would measure 429s")
    if shutil.which("valgrind"):
        per_request = {mode: callgrind_per_request(data, env, modes[mode]) for mode in ("off", "on")}
        notes["callgrind_instructions_per_request_off"] = per_request["off"]
        notes["callgrind_instructions_per_request_on"] = per_request["on"]
        notes["callgrind_rate_limits_cost_pct"] = (per_request["on"] - per_request["off"]) / per_request["off"] * 100
    else:
        log("valgrind is not installed: skipping the instruction counts")


def seeded_sqlite():
    """A fresh SQLite data dir seeded at Pinterest's volume limits: (data dir, seed info, wrk env)."""
    WORK.mkdir(parents=True, exist_ok=True)
    ids_file = WORK / "pin-ids.txt"
    data = WORK / "sqlite-data"
    shutil.rmtree(data, ignore_errors=True)
    log("seeding 2,000 boards and 200,000 Pins (SQLite)")
    info = seed(["--data-dir", str(data)], ids_file)
    return data, info, {"BENCH_TOKEN": info["token"], "BENCH_IDS": str(ids_file)}


def agent_pair(data, info, env, results, notes, rounds=3):
    """GET one Pin three ways, alternated on one server, `rounds` times each: with the user's
    token; through an agent key of the same user (its grant checked, its call written to the
    audit log); and through `pinbox gateway` in front of that server, with a gateway agent's key
    (forwarded with the user's token)."""
    data_args = ["--data-dir", str(data)]
    out = subprocess.run([str(PINBOX), "agent", "create", "--user", info["user"], "--name", "bench agent", *data_args],
                         capture_output=True, text=True, check=True).stdout.split()
    agent_id, key = out[0], out[1]
    pinbox_cli(data_args, "agent", "grant", agent_id, "pins", "read")
    gw_data = WORK / "gateway-data"
    shutil.rmtree(gw_data, ignore_errors=True)
    gw_args = ["--data-dir", str(gw_data)]
    out = subprocess.run([str(PINBOX), "agent", "create", "--name", "bench gateway agent", *gw_args],
                         capture_output=True, text=True, check=True).stdout.split()
    gw_agent, gw_key = out[0], out[1]
    pinbox_cli(gw_args, "agent", "grant", gw_agent, "pins", "read")
    token_file = WORK / "upstream-token"
    token_file.write_text(env["BENCH_TOKEN"] + "\n")
    server, _ = serve_pinbox(data_args, counting())
    gateway = Process([str(PINBOX), "gateway", "--addr", "127.0.0.1:0", "--upstream", server.base,
                       "--upstream-token-file", str(token_file), *gw_args],
                      env={"PINBOX_LOG": "error"}, ready=r"pinbox gateway listening on (\S+?),")
    ways = {"token": (server.base, env["BENCH_TOKEN"]), "agent": (server.base, key), "gateway": (gateway.base, gw_key)}
    runs = {way: [] for way in ways}
    order = list(ways)
    try:
        for i in range(rounds):
            for way in order[i % 3:] + order[:i % 3]:
                log(f"pinbox: GET one Pin, {way} (round {i + 1} of {rounds})")
                base, secret = ways[way]
                runs[way].append(wrk(base, "get_pin.lua", {**env, "BENCH_TOKEN": secret}))
    finally:
        gateway.stop()
        server.stop()
    labels = {"token": "with the user's token", "agent": "with an agent key",
              "gateway": "through the gateway (agent key, forwarded with the token)"}
    for way, label in labels.items():
        results[f"GET /v5/pins/{{id}} {label} (median of {rounds})"] = median_run(runs[way])
        notes[f"agent_pair_{way}_rps_runs"] = " / ".join(f"{r['rps']:,.0f}" for r in runs[way])
        if any(r["non2xx"] for r in runs[way]):
            raise RuntimeError(f"a call {label} was refused: the pair would measure errors")
    for way in ("agent", "gateway"):
        ratios = sorted(a["rps"] / t["rps"] for a, t in zip(runs[way], runs["token"]))
        notes[f"{way}_x_token_median"] = ratios[len(ratios) // 2]
    for args_, name in ((data_args, "bench agent"), (gw_args, "bench gateway agent")):
        last = pinbox_cli(args_, "audit", "--limit", "1", "--json")
        if f'"{name}"' not in last or '"pins/get"' not in last:
            raise RuntimeError(f"the calls of {name} are not in the audit log: {last!r}")


def agents_only():
    """`bench.py --agents`: GET one Pin with a token and through an agent key, alternated, on the
    seeded SQLite data dir; written to bench/results/agents.md."""
    data, info, env = seeded_sqlite()
    results, notes = {}, {}
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    agent_pair(data, info, env, results, notes, rounds=rounds)
    ratio, gateway = notes["agent_x_token_median"], notes["gateway_x_token_median"]
    text = "\n".join([
        "# Agents: GET one Pin through an agent key and through the gateway",
        "",
        f"Made by `bench/bench.py --agents` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{os.cpu_count()} cores shared with other work and with wrk, so the figures are indicative; wrk with "
        f"{THREADS} threads and {CONNECTIONS} connections for {DURATION} per run, the user's token, an agent key "
        f"of the same user and the gateway in front of the same server taking turns, {rounds} runs each, the "
        "median run of each reported. "
        "The agent's calls are checked against its grants and each is written to the audit log; every "
        "request of both is counted against rate limits too high to refuse any.",
        "",
        "| workload | req/s | p50 ms | p99 ms | non-2xx |",
        "|---|---:|---:|---:|---:|",
        *[f"| {name} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} |" for name, r in results.items()],
        "",
        f"Throughput with the agent key: {ratio:.2f}x the token's; through the gateway: {gateway:.2f}x "
        f"(medians of the rounds' ratios; runs: token {notes['agent_pair_token_rps_runs']}, agent "
        f"{notes['agent_pair_agent_rps_runs']}, gateway {notes['agent_pair_gateway_rps_runs']}). "
        f"Targets: the grant check and audit write cost under 10 %: {'met' if ratio >= 0.9 else 'NOT met'} "
        f"({(1 - ratio) * 100:.0f} %); the gateway under 25 % over a direct call to the same upstream: "
        f"{'met' if gateway >= 0.75 else 'NOT met'} ({(1 - gateway) * 100:.0f} %). The gateway, its upstream and "
        "wrk share the same 2 cores, so the gateway's hop also takes CPU from the upstream it measures.",
    ]) + "\n"
    out = BENCH / "results" / "agents.md"
    out.write_text(text)
    print(text)
    log(f"written to {out}")


def callgrind_instructions(data, env, extra, requests):
    """Instructions (callgrind's Ir, every thread) of a pinbox that serves `requests`
    sequential GETs of one Pin on one keep-alive connection, then stops."""
    import http.client
    import random

    out = WORK / f"callgrind.{os.getpid()}.out"
    p = Process(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", str(PINBOX), "serve",
         "--addr", "127.0.0.1:0", "--no-demo", "--data-dir", str(data), *extra],
        env={"PINBOX_LOG": "error"}, ready=r"pinbox listening on (\S+)",
    )
    ids = Path(env["BENCH_IDS"]).read_text().split()
    rng = random.Random(20261122)
    host = p.base.removeprefix("http://")
    conn = http.client.HTTPConnection(host, timeout=120)
    for _ in range(requests):
        conn.request("GET", f"/v5/pins/{rng.choice(ids)}", headers={"Authorization": f"Bearer {env['BENCH_TOKEN']}"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"GET one Pin answered {resp.status} under callgrind")
    conn.close()
    p.stop()
    p.proc.wait(timeout=120)
    total = 0
    for line in out.read_text().splitlines():
        if line.startswith("summary:") or line.startswith("totals:"):
            total = int(line.split()[1])
    out.unlink()
    return total


def callgrind_per_request(data, env, extra, few=500, many=2500):
    """Instructions per GET one Pin: the difference of two runs over their difference in
    requests, so start-up, shutdown and warm-up cancel out (2,000 requests counted)."""
    log(f"callgrind: {few} and {many} sequential GETs of one Pin ({' '.join(extra)})")
    a = callgrind_instructions(data, env, extra, few)
    b = callgrind_instructions(data, env, extra, many)
    return (b - a) / (many - few)


def deep_bookmark(base, token, board, page):
    """Walks a board's Pins 250 at a time to the bookmark of `page` (1-based)."""
    bookmark = None
    for _ in range(page - 1):
        q = f"?page_size=250" + (f"&bookmark={bookmark}" if bookmark else "")
        _, body = http("GET", f"{base}/v5/boards/{board}/pins{q}", token)
        bookmark = body["bookmark"]
    return bookmark


def oauth_client(base, data_args, info):
    """HTTP Basic credentials of the seeded app and a refresh token for the seeded user, got
    through the OAuth flow as an app runs it: the server approves as that user
    (`--oauth-auto-approve`), pinbox's own callback answers with the code, and the code is
    exchanged with client authentication. Returns (basic, refresh_token)."""
    app = info["app_id"]
    secret = pinbox_cli(data_args, "app", "rotate-secret", app)
    callback = f"{base}/_pinbox/oauth/callback"
    pinbox_cli(data_args, "app", "add-redirect-uri", app, callback)
    query = urllib.parse.urlencode(
        {"client_id": app, "redirect_uri": callback, "response_type": "code", "scope": "pins:read", "state": "bench"})
    with urllib.request.urlopen(f"{base}/oauth/?{query}", timeout=30) as resp:
        code = json.loads(resp.read())["code"]
    basic = base64.b64encode(f"{app}:{secret}".encode()).decode()
    form = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": callback})
    req = urllib.request.Request(f"{base}/v5/oauth/token", data=form.encode(), method="POST", headers={
        "Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return basic, json.loads(resp.read())["refresh_token"]


def ads_account(base, data_args, info):
    """A token with the ads scopes for the seeded user and an ad account of theirs holding 250
    campaigns (made 30 at a time, as clients do). Returns (token, ad_account_id)."""
    token = pinbox_cli(data_args, "token", "issue", "--user", info["user"], "--app", info["app_id"],
                       "--scopes", "ads:read,ads:write")
    _, account = http("POST", f"{base}/v5/ad_accounts", token, {"name": "bench ads"})
    account = account["id"]
    made = 0
    while made < 250:
        n = min(30, 250 - made)
        batch = [{"name": f"campaign {made + i}", "objective_type": "AWARENESS", "daily_spend_cap": 50_000_000}
                 for i in range(n)]
        _, body = http("POST", f"{base}/v5/ad_accounts/{account}/campaigns", token, batch)
        if any("data" not in item for item in body["items"]):
            raise RuntimeError(f"a seeded campaign was refused: {body}")
        made += n
    return token, account


def ads_workloads(base, data_args, info, env, results):
    """The Ads API: list 250 campaigns in one page, and create 30 campaigns in one request."""
    log("pinbox: ads: 250 campaigns, listed in one page; 30-campaign creates")
    token, account = ads_account(base, data_args, info)
    ads_env = {**env, "BENCH_TOKEN": token}
    results["GET /v5/ad_accounts/{id}/campaigns?page_size=250"] = wrk(
        base, "get_path.lua", {**ads_env, "BENCH_PATH": f"/v5/ad_accounts/{account}/campaigns?page_size=250"})
    batch_file = WORK / "campaigns-30.json"
    batch_file.write_text(json.dumps([
        {"name": f"bench __N__ {i}", "objective_type": "CONSIDERATION", "daily_spend_cap": 20_000_000}
        for i in range(30)]))
    results["POST /v5/ad_accounts/{id}/campaigns (30 campaigns a request)"] = wrk(
        base, "post_json.lua",
        {**ads_env, "BENCH_PATH": f"/v5/ad_accounts/{account}/campaigns", "BENCH_BODY_FILE": str(batch_file)})


ANALYTICS_DAYS = 90
ANALYTICS_ADS = 100


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def delivered_ads(data_args, info):
    """An ad account of the seeded user whose 100 ads (5 ad groups of 20, promoting 10 Pins)
    have delivered for 91 days: made by a pinbox whose clock starts 91 days ago, so that the
    next, on the real clock, has that much history. Returns (token, account, ad ids)."""
    server, _ = serve_pinbox(data_args, [*counting(), "--clock-start", iso(time.time() - 91 * 86_400)])
    try:
        base = server.base
        token = pinbox_cli(data_args, "token", "issue", "--user", info["user"], "--app", info["app_id"],
                           "--scopes", "ads:read,ads:write,boards:read,boards:write,pins:read,pins:write").strip()
        status, board = http("POST", f"{base}/v5/boards", token, {"name": "promoted"})
        if status != 201:
            raise RuntimeError(f"the board was refused: {status} {board}")
        pins = []
        for i in range(10):
            data = base64.b64encode(png(40, 30, (i * 20, 90, 200 - i * 10))).decode()
            status, pin = http("POST", f"{base}/v5/pins", token, {
                "board_id": board["id"], "title": f"promoted {i}",
                "media_source": {"source_type": "image_base64", "content_type": "image/png", "data": data}})
            if status != 201:
                raise RuntimeError(f"a promoted Pin was refused: {status} {pin}")
            pins.append(pin["id"])
        _, account = http("POST", f"{base}/v5/ad_accounts", token, {"name": "delivered", "country": "US", "currency": "USD"})
        account = account["id"]

        def made(path, items):
            status, body = http("POST", f"{base}/v5/ad_accounts/{account}/{path}", token, items)
            if status != 200 or any("data" not in item for item in body["items"]):
                raise RuntimeError(f"a seeded {path} item was refused: {status} {body}")
            return [item["data"]["id"] for item in body["items"]]

        [campaign] = made("campaigns", [{"name": "always on", "objective_type": "AWARENESS",
                                         "daily_spend_cap": 500_000_000}])
        groups = made("ad_groups", [
            {"name": f"group {g}", "campaign_id": campaign, "billable_event": "IMPRESSION",
             "budget_in_micro_currency": 80_000_000, "targeting_spec": {"GEO": ["US"]}}
            for g in range(5)])
        ads = []
        for g, group in enumerate(groups):
            ads += made("ads", [
                {"ad_group_id": group, "creative_type": "REGULAR", "pin_id": pins[(g * 20 + a) % len(pins)],
                 "destination_url": f"https://example.com/{g}/{a}"}
                for a in range(ANALYTICS_ADS // len(groups))])
    finally:
        server.stop()
    return token, account, ads


def ads_analytics_workload(results, engine_args=None):
    """`ads/analytics`, daily over 90 days for 100 ads, one request at a time (its target is a
    p99 under 20 ms), on a data dir of its own whose ads have delivered for those days."""
    log(f"pinbox: ads analytics: {ANALYTICS_DAYS} days by day over {ANALYTICS_ADS} ads, one connection")
    data = WORK / "ads-analytics-data"
    shutil.rmtree(data, ignore_errors=True)
    data_args = engine_args or ["--data-dir", str(data)]
    pinbox_cli(data_args, "user", "create", "analyst")
    app_id = pinbox_cli(data_args, "app", "create", "--owner", "analyst", "--name", "analytics",
                        "--tier", "standard").split()[0]
    token, account, ads = delivered_ads(data_args, {"user": "analyst", "app_id": app_id})
    today = int(time.time()) // 86_400
    day = lambda d: time.strftime("%Y-%m-%d", time.gmtime(d * 86_400))
    query = urllib.parse.urlencode({
        "start_date": day(today - ANALYTICS_DAYS + 1), "end_date": day(today), "granularity": "DAY",
        "ad_ids": ",".join(ads), "columns": "SPEND_IN_MICRO_DOLLAR,TOTAL_IMPRESSION,TOTAL_CLICKTHROUGH,CTR,CPC_IN_MICRO_DOLLAR"})
    path = f"/v5/ad_accounts/{account}/ads/analytics?{query}"
    name = f"GET ads/analytics: {ANALYTICS_DAYS} days by DAY, {ANALYTICS_ADS} ads (1 connection)"
    # With a baseline build (same schema), the two serve the same data dir in turns, A B A B.
    baseline = os.environ.get("PINBOX_BENCH_BASELINE")
    label = os.environ.get("PINBOX_BENCH_BASELINE_LABEL", "baseline")
    builds = [(name, None)] + ([(f"{label}: {name}", baseline)] if baseline else [])
    runs = {key: [] for key, _ in builds}
    for _ in range(2 if baseline else 1):
        for key, binary in builds:
            server, _ = serve_pinbox(data_args, counting(), binary=binary)
            try:
                status, rows = http("GET", server.base + path, token)
                days = {r["DATE"] for r in rows} if status == 200 else set()
                if status != 200 or len(days) < ANALYTICS_DAYS - 1 or len({r["AD_ID"] for r in rows}) != ANALYTICS_ADS:
                    raise RuntimeError(f"the analytics answer is not 90 days of 100 ads: {status}, "
                                       f"{len(days)} days, {len(rows) if status == 200 else rows}")
                log(f"  {key}: one answer has {len(rows):,} rows, {len(json.dumps(rows)) / 1e6:.1f} MB")
                runs[key].append(wrk(server.base, "get_path.lua", {"BENCH_TOKEN": token, "BENCH_PATH": path},
                                     connections=1))
            finally:
                server.stop()
    for key, _ in builds:
        results[key] = median_run(runs[key])
    if baseline:
        ratios = sorted(a["rps"] / b["rps"] for a, b in zip(runs[name], runs[f"{label}: {name}"]))
        log(f"  throughput against {label}, pair by pair: {', '.join(f'{r:.2f}x' for r in ratios)}")
        return label, ratios
    return None


def ads_only():
    """`bench/bench.py --ads`: the ads workloads alone, on a small fresh data dir."""
    WORK.mkdir(parents=True, exist_ok=True)
    data = WORK / "ads-data"
    shutil.rmtree(data, ignore_errors=True)
    data_args = ["--data-dir", str(data)]
    pinbox_cli(data_args, "user", "create", "bench")
    app_id = pinbox_cli(data_args, "app", "create", "--owner", "bench", "--name", "bench",
                        "--tier", "standard").split()[0]
    server, _ = serve_pinbox(data_args, counting())
    results = {}
    try:
        ads_workloads(server.base, data_args, {"user": "bench", "app_id": app_id}, {}, results)
    finally:
        server.stop()
    against = ads_analytics_workload(results)
    lines = [
        "# The Ads API",
        "",
        f"Made by `bench/bench.py --ads` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{os.cpu_count()} cores shared with other work, so the figures are indicative. wrk for {DURATION} "
        f"per row ({THREADS} threads and {CONNECTIONS} connections unless the row says 1), release build, "
        "SQLite, rate limits counting every request. The campaign list and creates run on an ad account "
        "holding 250 campaigns (more as the creates add theirs); the analytics on an ad account of its own "
        f"whose {ANALYTICS_ADS} ads (5 ad groups, one campaign) have delivered for 91 days, made by a "
        "pinbox started with `--clock-start` 91 days back; each answer is every day of every ad "
        "(five columns).",
        "",
        "| workload | requests/s | p50 ms | p99 ms | non-2xx |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['rps']:,.1f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} |")
    analytics = results[f"GET ads/analytics: {ANALYTICS_DAYS} days by DAY, {ANALYTICS_ADS} ads (1 connection)"]
    lines += ["", f"Target: the analytics answer's p99 under 20 ms one at a time: "
              f"{'met' if analytics['p99'] < 20 else 'NOT met'} ({analytics['p99']:.2f} ms)."]
    if against:
        label, ratios = against
        lines += ["", f"Against {label} (same data dir, alternated A B A B): throughput "
                  f"{', '.join(f'{r:.2f}x' for r in ratios)} pair by pair."]
    text = "\n".join(lines) + "\n"
    out = BENCH / "results" / "ads.md"
    out.write_text(text)
    print(text)
    log(f"written to {out}")


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def cpu_ticks():
    """(steal, total) jiffies of all CPUs so far, from /proc/stat."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return fields[7], sum(fields[:8])


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    results = {}
    # The host's other guests take CPU time the guest never sees; the share taken during the run
    # is printed with the machine, so that runs on hosts in different weather can be told apart.
    notes = {"_ticks_at_start": cpu_ticks()}
    ids_file = WORK / "pin-ids.txt"
    images_file = WORK / "pngs.txt"
    distinct_pngs(images_file, 40_000)
    other_images_file = WORK / "pngs-other.txt"
    distinct_pngs(other_images_file, 40_000, start=40_000)

    # --- pinbox on SQLite, seeded at Pinterest's volume limits -------------------------------
    data = WORK / "sqlite-data"
    shutil.rmtree(data, ignore_errors=True)
    log("seeding 2,000 boards and 200,000 Pins (SQLite)")
    info = seed(["--data-dir", str(data)], ids_file)
    notes["seed_sqlite_s"] = info["wall_seconds"]
    token, board = info["token"], info["big_board"]

    # Every workload counts every request, as the targets ask ("rate-limit check included"); what
    # counting costs is measured by the pair below.
    server, started = serve_pinbox(["--data-dir", str(data)], [*counting(), "--oauth-auto-approve", info["user"]])
    base = server.base
    notes["pinbox_first_answer_ms"] = wait_first_answer(f"{base}/v5/user_account", token, started)
    time.sleep(0.5)
    notes["pinbox_idle_rss_mb"] = rss_mb(server.pid)
    env = {"BENCH_TOKEN": token, "BENCH_IDS": str(ids_file), "BENCH_IMAGES": str(images_file), "BENCH_BOARD": board}

    # GET one Pin against the axum limit in alternated rounds: wrk moves by a fifth between runs
    # of one binary on a shared 2-core machine, so one run each could put the two in different
    # weather. The ratio reported is the median of the rounds' ratios.
    axum = Process([str(AXUM), "127.0.0.1:0"], ready=r"listening on (\S+)")
    pin_runs, axum_runs = [], []
    for i in range(GET_PIN_ROUNDS):
        log(f"pinbox, then the axum limit: GET one Pin (round {i + 1} of {GET_PIN_ROUNDS})")
        pin_runs.append(wrk(base, "get_pin.lua", env))
        axum_runs.append(wrk(axum.base, "get_pin.lua", env))
    axum.stop()
    results["GET /v5/pins/{id}"] = median_run(pin_runs)
    ratios = [p["rps"] / a["rps"] for p, a in zip(pin_runs, axum_runs)]
    notes["get_pin_rps_rounds"] = " / ".join(f"{r['rps']:,.0f}" for r in pin_runs)
    notes["get_pin_p99_ms_rounds"] = " / ".join(f"{r['p99']:.2f}" for r in pin_runs)
    notes["axum_limit_rps_rounds"] = " / ".join(f"{r['rps']:,.0f}" for r in axum_runs)
    notes["get_pin_x_axum_limit_rounds"] = " / ".join(f"{r:.2f}" for r in ratios)
    notes["get_pin_x_axum_limit_median"] = sorted(ratios)[len(ratios) // 2]
    log("pinbox: board Pins, first page of 250")
    results["GET /v5/boards/{id}/pins?page_size=250 (page 1)"] = wrk(
        base, "get_path.lua", {**env, "BENCH_PATH": f"/v5/boards/{board}/pins?page_size=250"})
    log("pinbox: board Pins, page 790 of 250")
    bookmark = deep_bookmark(base, token, board, 790)
    results["GET /v5/boards/{id}/pins?page_size=250 (page 790)"] = wrk(
        base, "get_path.lua", {**env, "BENCH_PATH": f"/v5/boards/{board}/pins?page_size=250&bookmark={bookmark}"})
    log("pinbox: search Pins over 200,000")
    results["GET /v5/search/pins (mixed queries, 200,000 Pins)"] = wrk(base, "search.lua", {**env, "BENCH_QUERIES": SEARCH_QUERIES})
    # One client at a time: how long a query takes, without the queue 64 clients make on 2 cores.
    results["GET /v5/search/pins (mixed queries, 1 connection)"] = wrk(
        base, "search.lua", {**env, "BENCH_QUERIES": SEARCH_QUERIES}, connections=1)
    log("pinbox: list boards")
    results["GET /v5/boards?page_size=25"] = wrk(base, "get_path.lua", {**env, "BENCH_PATH": "/v5/boards?page_size=25"})
    notes["pinbox_loaded_rss_mb"] = rss_mb(server.pid)
    log("pinbox: POST a Pin with a new PNG")
    results["POST /v5/pins (new PNG)"] = wrk(base, "post_pin.lua", env)
    # The whole cost of a Pin whose images are looked at: renditions are made on first fetch.
    log("pinbox: POST a Pin, then GET its four renditions")
    results[POST_PIN_AND_RENDITIONS] = wrk(
        base, "post_pin.lua", {**env, "BENCH_IMAGES": str(other_images_file), "BENCH_FETCH_RENDITIONS": "1"})
    notes["pins_per_s_with_all_renditions_fetched"] = results[POST_PIN_AND_RENDITIONS]["rps"] / 5
    log("pinbox: POST a board")
    body_file = WORK / "board.json"
    body_file.write_text('{"name": "bench board __N__", "description": "bench"}')
    results["POST /v5/boards"] = wrk(base, "post_json.lua", {**env, "BENCH_PATH": "/v5/boards", "BENCH_BODY_FILE": str(body_file)})
    # Token exchange: each request authenticates the app and issues new tokens (a durable write).
    log("pinbox: OAuth token exchange (refresh_token and client_credentials grants)")
    basic, refresh = oauth_client(base, ["--data-dir", str(data)], info)
    results["POST /v5/oauth/token (refresh_token grant)"] = wrk(base, "oauth_token.lua", {
        "BENCH_BASIC": basic, "BENCH_FORM": urllib.parse.urlencode({"grant_type": "refresh_token", "refresh_token": refresh})})
    results["POST /v5/oauth/token (client_credentials grant)"] = wrk(base, "oauth_token.lua", {
        "BENCH_BASIC": basic, "BENCH_FORM": "grant_type=client_credentials&scope=pins%3Aread"})
    ads_workloads(base, ["--data-dir", str(data)], info, env, results)
    notes["pinbox_after_load_rss_mb"] = rss_mb(server.pid)
    server.stop()

    log("pinbox: upload a 50 MB video through the S3-style endpoint")
    video = WORK / "upload-50mb.mp4"
    mp4_file(video, 50 * 1000 * 1000)
    server, _ = serve_pinbox(["--data-dir", str(data)], ["--media-processing-delay", "0"])
    rss_before = rss_mb(server.pid)
    notes["upload_50mb_median_mb_s"], notes["upload_50mb_best_mb_s"] = upload_mb_s(server.base, token, video)
    notes["upload_rss_growth_mb"] = rss_mb(server.pid) - rss_before
    server.stop()
    rate_limit_pair(data, env, results, notes)
    agent_pair(data, info, env, results, notes)
    ads_analytics_workload(results)

    baseline_pair(env, results, notes)

    # --- the references --------------------------------------------------------------------
    results[f"axum limit: GET /v5/pins/{{id}} (median of {GET_PIN_ROUNDS})"] = median_run(axum_runs)

    prism_bin = ROOT / "target" / "bench-node" / "node_modules" / ".bin" / "prism"
    if prism_bin.exists():
        log("prism: GET one Pin")
        started = time.monotonic()
        prism = Process([str(prism_bin), "mock", str(SPEC), "-h", "127.0.0.1", "-p", "4010"])
        some_id = ids_file.read_text().split()[0]
        notes["prism_first_answer_ms"] = wait_first_answer(f"http://127.0.0.1:4010/pins/{some_id}", "x", started)
        notes["prism_rss_mb"] = rss_mb(prism.pid)
        results["prism: GET /pins/{id}"] = wrk("http://127.0.0.1:4010", "get_pin.lua", {**env, "BENCH_PREFIX": ""})
        notes["prism_loaded_rss_mb"] = rss_mb(prism.pid)
        prism.stop()
    else:
        log("prism is not installed (bench/run installs it); skipping it")

    # --- PostgreSQL: one replica and two ------------------------------------------------------
    pg_url = os.environ.get("PINBOX_BENCH_DATABASE_URL") or os.environ.get("PINBOX_TEST_DATABASE_URL")
    if pg_url:
        schema = f"pinbox_bench_{os.getpid()}"
        sep = "&" if "?" in pg_url else "?"
        url = f"{pg_url}{sep}options=-c%20search_path%3D{schema}"
        subprocess.run(["psql", pg_url, "-qc", f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"], check=True)
        try:
            pg_data = WORK / "pg-data"
            shutil.rmtree(pg_data, ignore_errors=True)
            pg_args = ["--database-url", url, "--data-dir", str(pg_data)]
            log("seeding 2,000 boards and 200,000 Pins (PostgreSQL)")
            pg_ids = WORK / "pg-pin-ids.txt"
            pinfo = seed(pg_args, pg_ids)
            notes["seed_postgres_s"] = pinfo["wall_seconds"]
            penv = {**env, "BENCH_TOKEN": pinfo["token"], "BENCH_IDS": str(pg_ids), "BENCH_BOARD": pinfo["big_board"]}
            media = ["--media-dir", str(pg_data / "media")]
            one, _ = serve_pinbox(pg_args, [*media, *counting()])
            log("postgres, one replica: GET one Pin, POST a Pin")
            results["PostgreSQL, 1 replica: GET /v5/pins/{id}"] = wrk(one.base, "get_pin.lua", penv)
            results["PostgreSQL, 1 replica: POST /v5/pins"] = wrk(one.base, "post_pin.lua", penv)
            results["PostgreSQL, 1 replica: GET /v5/search/pins (mixed queries)"] = wrk(
                one.base, "search.lua", {**penv, "BENCH_QUERIES": SEARCH_QUERIES})
            results["PostgreSQL, 1 replica: GET /v5/search/pins (mixed queries, 1 connection)"] = wrk(
                one.base, "search.lua", {**penv, "BENCH_QUERIES": SEARCH_QUERIES}, connections=1)
            two, _ = serve_pinbox(pg_args, [*media, *counting()])
            log("postgres, two replicas: GET one Pin, POST a Pin")
            results["PostgreSQL, 2 replicas: GET /v5/pins/{id}"] = wrk_pair([one.base, two.base], "get_pin.lua", [penv, penv])
            results["PostgreSQL, 2 replicas: POST /v5/pins"] = wrk_pair([one.base, two.base], "post_pin.lua", [penv, penv])
            one.stop()
            two.stop()
        finally:
            subprocess.run(["psql", pg_url, "-qc", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], check=False)
    else:
        log("PINBOX_BENCH_DATABASE_URL / PINBOX_TEST_DATABASE_URL not set: skipping the PostgreSQL workloads")

    report(results, notes)


def baseline_pair(env, results, notes):
    """An earlier build of pinbox (PINBOX_BENCH_BASELINE=path to its release binary), run on the
    same workloads in the same run, so a change's before and after are a ratio taken side by
    side rather than two runs on a machine whose load changed in between. It gets its own data
    dir, seeded by its own `pinbox seed`, since an older build may not read a newer schema."""
    baseline = os.environ.get("PINBOX_BENCH_BASELINE")
    if not baseline:
        return
    label = os.environ.get("PINBOX_BENCH_BASELINE_LABEL", "baseline")
    data = WORK / "baseline-data"
    ids = WORK / "baseline-pin-ids.txt"
    shutil.rmtree(data, ignore_errors=True)
    log(f"{label}: seeding 2,000 boards and 200,000 Pins")
    out = subprocess.run([baseline, "seed", "--ids-out", str(ids), "--data-dir", str(data)],
                         capture_output=True, text=True, check=True)
    info = json.loads(out.stdout)
    benv = {**env, "BENCH_TOKEN": info["token"], "BENCH_IDS": str(ids), "BENCH_BOARD": info["big_board"]}
    server, _ = serve_pinbox(["--data-dir", str(data)], counting(), binary=baseline)
    log(f"{label}: GET one Pin, POST a Pin")
    results[f"{label}: GET /v5/pins/{{id}}"] = wrk(server.base, "get_pin.lua", benv)
    results[f"{label}: POST /v5/pins (new PNG)"] = wrk(server.base, "post_pin.lua", benv)
    results[f"{label}: {POST_PIN_AND_RENDITIONS}"] = wrk(
        server.base, "post_pin.lua", {**benv, "BENCH_IMAGES": str(WORK / "pngs-other.txt"), "BENCH_FETCH_RENDITIONS": "1"})
    server.stop()


def median_run(runs):
    """The run with the median throughput (its latencies come with it)."""
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def report(results, notes):
    limit = results.get(f"axum limit: GET /v5/pins/{{id}} (median of {GET_PIN_ROUNDS})", {}).get("rps")
    prism = results.get("prism: GET /pins/{id}", {}).get("rps")
    machine = f"{os.cpu_count()} cores ({cpu_model()}), {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB"
    (steal0, total0), (steal1, total1) = notes.pop("_ticks_at_start"), cpu_ticks()
    stolen = (steal1 - steal0) / max(total1 - total0, 1) * 100
    lines = [
        "# Benchmark results",
        "",
        f"Made by `bench/run` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {machine}, "
        f"Linux {os.uname().release}, {stolen:.1f} % of CPU time stolen by the host during the run. wrk with {THREADS} threads and {CONNECTIONS} connections for {DURATION} "
        "per workload, on the same machine as the servers; pinbox release build counting every request against "
        "rate limits too high to refuse any; SQLite data dir seeded "
        "with 2,000 boards and 200,000 Pins (all on one board) for one account.",
        "",
        "| workload | req/s | p50 ms | p99 ms | non-2xx | × axum limit | × Prism |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio_limit = f"{r['rps'] / limit:.2f}" if limit else "-"
        ratio_prism = f"{r['rps'] / prism:.1f}" if prism else "-"
        p50 = "-" if r["p50"] != r["p50"] else f"{r['p50']:.2f}"
        lines.append(f"| {name} | {r['rps']:,.0f} | {p50} | {r['p99']:.2f} | {r['non2xx']} | {ratio_limit} | {ratio_prism} |")
    get_pin = results["GET /v5/pins/{id}"]
    first, deep = results["GET /v5/boards/{id}/pins?page_size=250 (page 1)"], results["GET /v5/boards/{id}/pins?page_size=250 (page 790)"]
    targets = [
        (f"GET one Pin ≥ 0.5 × axum limit (median of {GET_PIN_ROUNDS} alternated rounds' ratios)",
         notes["get_pin_x_axum_limit_median"] >= 0.5, f"{notes['get_pin_x_axum_limit_median']:.2f}×"),
        ("GET one Pin ≥ 50 × Prism", prism and get_pin["rps"] / prism >= 50, f"{get_pin['rps'] / prism:.0f}×" if prism else "-"),
        ("GET one Pin p99 < 5 ms at 64 connections (the median round)", get_pin["p99"] < 5, f"{get_pin['p99']:.2f} ms"),
        ("deep page (790) costs ≤ 1.5 × page 1", first["rps"] / deep["rps"] <= 1.5, f"{first['rps'] / deep['rps']:.2f}×"),
        ("POST a Pin (renditions made on first fetch) ≥ 1,000/s", results["POST /v5/pins (new PNG)"]["rps"] >= 1000,
         f"{results['POST /v5/pins (new PNG)']['rps']:,.0f}/s"),
        ("POST a board ≥ 3,000/s", results["POST /v5/boards"]["rps"] >= 3000, f"{results['POST /v5/boards']['rps']:,.0f}/s"),
        ("start to first answer < 100 ms (existing data dir)", notes["pinbox_first_answer_ms"] < 100, f"{notes['pinbox_first_answer_ms']:.0f} ms"),
        ("idle RSS < 30 MB", notes["pinbox_idle_rss_mb"] < 30, f"{notes['pinbox_idle_rss_mb']:.1f} MB"),
        ("RSS with the 200,000-Pin data set < 150 MB", notes["pinbox_after_load_rss_mb"] < 150, f"{notes['pinbox_after_load_rss_mb']:.1f} MB"),
        ("seeding takes < 60 s", notes["seed_sqlite_s"] < 60, f"{notes['seed_sqlite_s']:.1f} s"),
        ("search Pins over 200,000: p99 < 20 ms, one query at a time",
         results["GET /v5/search/pins (mixed queries, 1 connection)"]["p99"] < 20,
         f"{results['GET /v5/search/pins (mixed queries, 1 connection)']['p99']:.2f} ms"),
        ("search Pins over 200,000: p99 < 20 ms at 64 connections (includes the queue)",
         results["GET /v5/search/pins (mixed queries, 200,000 Pins)"]["p99"] < 20,
         f"{results['GET /v5/search/pins (mixed queries, 200,000 Pins)']['p99']:.2f} ms"),
        ("GET one Pin with rate limits on within 5 % of off (throughput)",
         notes["rate_limits_throughput_cost_pct"] <= 5, f"{notes['rate_limits_throughput_cost_pct']:+.1f} %"),
    ]
    if "agent_key_x_token_median" in notes:
        ratio, gateway = notes["agent_x_token_median"], notes["gateway_x_token_median"]
        targets.append(("GET one Pin through an agent key within 10 % of the token (throughput)",
                        ratio >= 0.9, f"{ratio:.2f}×"))
    analytics = results.get(f"GET ads/analytics: {ANALYTICS_DAYS} days by DAY, {ANALYTICS_ADS} ads (1 connection)")
    if analytics:
        targets.append((f"ads analytics, {ANALYTICS_DAYS} days by day over {ANALYTICS_ADS} ads: p99 < 20 ms, one at a time",
                        analytics["p99"] < 20, f"{analytics['p99']:.2f} ms"))
    pg_search = results.get("PostgreSQL, 1 replica: GET /v5/search/pins (mixed queries, 1 connection)")
    if pg_search:
        targets.append(("search Pins on PostgreSQL: p99 < 20 ms, one query at a time",
                        pg_search["p99"] < 20, f"{pg_search['p99']:.2f} ms"))
    if "callgrind_rate_limits_cost_pct" in notes:
        targets.append(("GET one Pin with rate limits on within 5 % of off (instructions)",
                        notes["callgrind_rate_limits_cost_pct"] <= 5, f"{notes['callgrind_rate_limits_cost_pct']:+.1f} %"))
    lines += ["", "| target | met | measured |", "|---|:---:|---:|"]
    for name, met, measured in targets:
        lines.append(f"| {name} | {'yes' if met else 'NO'} | {measured} |")
    lines += ["", "| other figures | |", "|---|---:|"]
    for k, v in notes.items():
        if isinstance(v, (int, float)):
            # Ratios below 10 need their second decimal (0.41× is not 0.4×).
            lines.append(f"| {k} | {v:,.2f} |" if abs(v) < 10 else f"| {k} | {v:,.1f} |")
        else:
            lines.append(f"| {k} | {v} |")
    text = "\n".join(lines) + "\n"
    out = BENCH / "results" / "latest.md"
    out.write_text(text)
    print(text)
    log(f"written to {out}")


def rate_limits_only():
    """`bench.py --rate-limits`: only the limits-off/on pair (and its instruction counts), on the
    seeded SQLite data dir, written to bench/results/rate-limits.md. Quicker than the whole run."""
    data, info, env = seeded_sqlite()
    results, notes = {}, {}
    rate_limit_pair(data, env, results, notes, rounds=int(os.environ.get("BENCH_ROUNDS", "3")))
    lines = [
        "# Rate limits: GET one Pin with limits off and on",
        "",
        f"Made by `bench/bench.py --rate-limits` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{os.cpu_count()} cores shared with other work, so the throughput figures are indicative; wrk with "
        f"{THREADS} threads and {CONNECTIONS} connections for {DURATION} per run, off and on alternated back to "
        "back, the median run of each reported (every run is listed below). \"On\" counts every request against the two quotas GET one Pin has (per user per second, "
        "org_read per minute) with limits too high to refuse any. The instruction counts (callgrind, every "
        "thread, 2,000 sequential requests: the difference of a 2,500- and a 500-request run) are the "
        "noise-free comparison.",
        "",
        "| workload | req/s | p50 ms | p99 ms | non-2xx |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} |")
    lines += ["", "| figure | |", "|---|---:|"]
    for k, v in notes.items():
        if isinstance(v, (int, float)):
            # Ratios below 10 need their second decimal (0.41× is not 0.4×).
            lines.append(f"| {k} | {v:,.2f} |" if abs(v) < 10 else f"| {k} | {v:,.1f} |")
        else:
            lines.append(f"| {k} | {v} |")
    text = "\n".join(lines) + "\n"
    out = BENCH / "results" / "rate-limits.md"
    out.write_text(text)
    print(text)
    log(f"written to {out}")


def search_only():
    """`bench.py --search`: only the search workload, at 1 connection and at CONNECTIONS, on a
    seeded SQLite data dir and (with PINBOX_BENCH_DATABASE_URL or PINBOX_TEST_DATABASE_URL) on
    PostgreSQL; printed as a Markdown table, for bench/results/search.md."""
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []

    def measure(engine, data_args, extra, ids_file):
        info = seed(data_args, ids_file)
        server, _ = serve_pinbox(data_args, [*extra, *counting()])
        env = {"BENCH_TOKEN": info["token"], "BENCH_QUERIES": SEARCH_QUERIES}
        try:
            for connections in (1, CONNECTIONS):
                log(f"{engine}: search Pins, {connections} connection(s)")
                rows.append((engine, connections, wrk(server.base, "search.lua", env, connections=connections)))
        finally:
            server.stop()

    data = WORK / "search-sqlite-data"
    shutil.rmtree(data, ignore_errors=True)
    measure("SQLite", ["--data-dir", str(data)], [], WORK / "search-pin-ids.txt")
    pg_url = os.environ.get("PINBOX_BENCH_DATABASE_URL") or os.environ.get("PINBOX_TEST_DATABASE_URL")
    if pg_url:
        schema = f"pinbox_bench_search_{os.getpid()}"
        sep = "&" if "?" in pg_url else "?"
        url = f"{pg_url}{sep}options=-c%20search_path%3D{schema}"
        subprocess.run(["psql", pg_url, "-qc", f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"], check=True)
        try:
            pg_data = WORK / "search-pg-data"
            shutil.rmtree(pg_data, ignore_errors=True)
            measure("PostgreSQL", ["--database-url", url, "--data-dir", str(pg_data)],
                    ["--media-dir", str(pg_data / "media")], WORK / "search-pg-pin-ids.txt")
        finally:
            subprocess.run(["psql", pg_url, "-qc", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], check=False)
    lines = [
        f"Queries, cycled: `{SEARCH_QUERIES}`; wrk {THREADS} threads, {DURATION} per run, rate limits off.",
        "",
        "| engine | connections | req/s | p50 ms | p99 ms | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for engine, connections, r in rows:
        lines.append(f"| {engine} | {connections} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} |")
    print("\n".join(lines))


# The Conversions API workload's own limits: its category (ads_conversions, 100 a minute for a
# Standard app) counts every request without refusing any.
COUNT_CONVERSIONS = """
[rate_limits.standard]
overall = { limit = 2000000000, window = "1s" }
ads_conversions = { limit = 2000000000, window = "1m" }
"""

EM_HASH = "411e44ce1261728ffd2c0686e44e3fffe413c0e2c5adc498bc7da883d476b9c8"


def conversions_body(path, events=1000):
    """A request of `events` Conversions API events, each with every hashed identifier, the IP
    address and user agent, a click id and custom data; `__N__` makes each request's event ids
    new, so every event is kept (none is a duplicate)."""
    now = int(time.time())
    hashes = {k: [EM_HASH] for k in ("em", "ph", "ge", "db", "ln", "fn", "ct", "st", "zp", "country", "external_id")}
    data = [{
        "event_name": "checkout",
        "action_source": "web",
        "event_time": now - i,
        "event_id": f"__N__-{i}",
        "event_source_url": "https://shop.example/checkout",
        "user_data": {**hashes, "client_ip_address": "216.3.128.12",
                      "client_user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
                      "click_id": "dj0yJnU9b2JDcFFHekV4SHJNcmVrbFBkUEdqakh0akdUT1VjVVU"},
        "custom_data": {"currency": "USD", "value": "72.39", "num_items": 2, "order_id": f"__N__-{i}",
                        "content_ids": ["p1", "p2"],
                        "contents": [{"id": "p1", "item_price": "40.00", "quantity": 1},
                                     {"id": "p2", "item_price": "32.39", "quantity": 1}]},
    } for i in range(events)]
    text = json.dumps({"data": data})
    path.write_text(text)
    return len(text.encode())


def conversions_only():
    """`bench.py --conversions`: POST /v5/ad_accounts/{id}/events with 1,000 events per request,
    on SQLite and (with PINBOX_BENCH_DATABASE_URL or PINBOX_TEST_DATABASE_URL) on PostgreSQL;
    written to bench/results/conversions.md."""
    WORK.mkdir(parents=True, exist_ok=True)
    config = WORK / "count-conversions.toml"
    config.write_text(COUNT_CONVERSIONS)
    body_file = WORK / "conversions.json"
    body_bytes = conversions_body(body_file)
    rows = []
    engines = [("SQLite", None)]
    pg_url = os.environ.get("PINBOX_BENCH_DATABASE_URL") or os.environ.get("PINBOX_TEST_DATABASE_URL")
    if pg_url:
        engines.append(("PostgreSQL", pg_url))
    for engine, url in engines:
        data = WORK / "conversions-data"
        shutil.rmtree(data, ignore_errors=True)
        data_args = ["--data-dir", str(data)]
        schema = f"pinbox_bench_conversions_{os.getpid()}"
        if url:
            # A fresh schema per run: the events of an earlier run would only grow the tables.
            subprocess.run(["psql", url, "-qc", f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"], check=True)
            sep = "&" if "?" in url else "?"
            data_args = ["--database-url", f"{url}{sep}options=-c%20search_path%3D{schema}", *data_args]
        pinbox_cli(data_args, "user", "create", "bench")
        app_out = pinbox_cli(data_args, "app", "create", "--owner", "bench", "--name", "bench", "--tier", "standard")
        app = app_out.splitlines()[0]
        token = pinbox_cli(data_args, "token", "issue", "--user", "bench", "--app", app, "--scopes", "ads:read,ads:write").strip()
        server, _ = serve_pinbox(data_args, ["--config", str(config)])
        _, account = http("POST", f"{server.base}/v5/ad_accounts", token, {"name": "bench"})
        path = f"/v5/ad_accounts/{account['id']}/events"
        env = {"BENCH_TOKEN": token, "BENCH_PATH": path, "BENCH_BODY_FILE": str(body_file)}
        for connections in (1, 8):
            log(f"pinbox ({engine}): 1,000 Conversions API events per request, {connections} connection(s)")
            r = wrk(server.base, "post_json.lua", env, connections=connections)
            rows.append((engine, connections, r, rss_mb(server.pid)))
        server.stop()
        if url:
            subprocess.run(["psql", url, "-qc", f"DROP SCHEMA {schema} CASCADE"], check=True)
    lines = [
        "# Conversions API: 1,000 events per request",
        "",
        f"Made by `bench/bench.py --conversions` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{os.cpu_count()} cores shared with other work, so the figures are indicative. wrk for {DURATION} "
        f"per row, release build, rate limits counting every request. Each request is "
        f"`POST /v5/ad_accounts/{{id}}/events` with 1,000 events ({body_bytes:,} bytes of JSON: every hashed "
        "identifier, IP address and user agent, click id, custom data with two contents), all new "
        "event ids, so every event is checked and kept.",
        "",
        "| engine | connections | requests/s | events/s | p50 ms | p99 ms | non-2xx | RSS after, MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, connections, r, rss in rows:
        lines.append(f"| {engine} | {connections} | {r['rps']:,.1f} | {r['rps'] * 1000:,.0f} | {r['p50']:.1f} | "
                     f"{r['p99']:.1f} | {r['non2xx']} | {rss:,.0f} |")
    text = "\n".join(lines) + "\n"
    out = BENCH / "results" / "conversions.md"
    out.write_text(text)
    print(text)
    log(f"written to {out}")


if __name__ == "__main__":
    if sys.argv[1:] == ["upload"]:
        upload_only()
    elif sys.argv[1:] == ["--rate-limits"]:
        rate_limits_only()
    elif sys.argv[1:] == ["--search"]:
        search_only()
    elif sys.argv[1:] == ["--ads"]:
        ads_only()
    elif sys.argv[1:] == ["--agents"]:
        agents_only()
    elif sys.argv[1:] == ["--conversions"]:
        conversions_only()
    else:
        main()
