"""strata's MCP server at the wire: JSON-RPC lines over stdio, raw HTTP requests. Standard library only.

    python wire.py stdio OUT.json TOOLS.json STRATA ROOT   # scripted stdio sessions
    python wire.py http OUT.json URL [TOOLS.json]          # HTTP security, sessions, headers

stdio: sessions of both eras written line by line to `STRATA mcp --root ROOT`, stdin then closed.
Every stdout line must be one JSON-RPC 2.0 message, every request answered exactly once (no
answer to a notification), and the process must exit 0 within 2 s of stdin closing. The
`tools` array of `tools/list`, re-serialized exactly as the server sent it (checked), is written
to TOOLS.json for counting its tokens.

http: a foreign Origin and a foreign Host get 403, no Origin is served; legacy sessions
(`initialize` gives `mcp-session-id`, DELETE ends it, then 404); the 2026-07-28 era's
`server/discover`, -32020 for a missing or wrong `Mcp-Name`, -32022 for an unknown version,
-32602 without client capabilities, -32601 for an unknown method; `tools/list` the same as
on stdio (TOOLS.json, when given).

Prints a line per failed check; writes {checks, failures, figures} to OUT. Exit 1 if any failed.
"""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from typing import Any

MODERN = "2026-07-28"
LEGACY = "2025-11-25"
META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}
INITIALIZE = {
    "jsonrpc": "2.0", "id": 1, "method": "initialize",
    "params": {"protocolVersion": LEGACY, "capabilities": {}, "clientInfo": {"name": "mcp-check", "version": "0"}},
}


class Checks:
    def __init__(self) -> None:
        self.count = 0
        self.failures: list[str] = []
        self.figures: dict[str, Any] = {}

    def ok(self, condition: Any, what: str) -> bool:
        self.count += 1
        if not condition:
            self.failures.append(what)
            print(f"  FAIL {what}", flush=True)
        return bool(condition)


# ---------------------------------------------------------------------------------------- stdio

def request(id_: int, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        message["params"] = params
    return message


def stdio_session(c: Checks, name: str, strata: str, root: str, messages: list[dict[str, Any]],
                  expect_errors: dict[int, int], clean_exit: bool = True) -> dict[int, tuple[dict[str, Any], str]]:
    """Write `messages`, each request after the previous answer; close stdin; check the output.
    Returns the answers by id, with their raw lines. `expect_errors`: id -> JSON-RPC error code.
    `clean_exit`: the exit code must be 0 (else only the prompt exit is checked)."""
    # Debug logging on, should a subscriber read it: it must go to stderr, never stdout.
    env = dict(os.environ, RUST_LOG="trace", RUST_BACKTRACE="1")
    proc = subprocess.Popen([strata, "--no-progress", "mcp", "--root", root], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    stderr: list[bytes] = []
    threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True).start()
    lines: list[bytes] = []
    answers: dict[int, tuple[dict[str, Any], str]] = {}

    def read_until(id_: int) -> None:
        while id_ not in answers:
            line = proc.stdout.readline()
            if not line:
                return
            lines.append(line)
            try:
                m = json.loads(line)
            except ValueError:
                continue  # reported below
            if isinstance(m, dict) and "id" in m and ("result" in m or "error" in m):
                if m["id"] in answers:
                    c.ok(False, f"stdio {name}: id {m['id']} answered twice")
                answers[m["id"]] = (m, line.decode())

    for m in messages:
        proc.stdin.write(json.dumps(m).encode() + b"\n")
        proc.stdin.flush()
        if "id" in m:
            read_until(m["id"])
    proc.stdin.close()
    closed = time.perf_counter()
    try:
        code = proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        code = None
        proc.kill()
        proc.wait()
    exit_ms = round((time.perf_counter() - closed) * 1000)
    lines.extend(proc.stdout.read().splitlines(keepends=True))
    c.figures[f"stdio_{name}_exit_ms"] = exit_ms
    c.ok(code is not None, f"stdio {name}: still running 2 s after stdin closed")
    err = b"".join(stderr).decode(errors="replace").strip().splitlines()
    c.figures[f"stdio_{name}_exit_code"] = code
    c.ok(code in (0, None) or not clean_exit, f"stdio {name}: exit code {code} after stdin closed: {' / '.join(err[-2:])}")

    for line in lines:
        try:
            m = json.loads(line)
        except ValueError:
            c.ok(False, f"stdio {name}: a stdout line is not JSON: {line[:120]!r}")
            continue
        c.ok(isinstance(m, dict) and m.get("jsonrpc") == "2.0" and ("method" in m or "id" in m),
             f"stdio {name}: a stdout line is not JSON-RPC 2.0: {line[:120]!r}")
        c.ok(line.endswith(b"\n") and line.count(b"\n") == 1, f"stdio {name}: a message is not one line")
    ids = [m["id"] for m in messages if "id" in m]
    c.ok(sorted(answers) == sorted(ids), f"stdio {name}: answered ids {sorted(answers)}, asked {ids}")
    for id_, (m, _) in answers.items():
        want = expect_errors.get(id_)
        if want is None:
            c.ok("result" in m, f"stdio {name}: request {id_} failed: {m.get('error')}")
        else:
            c.ok(m.get("error", {}).get("code") == want, f"stdio {name}: request {id_}: {m}, not error {want}")
    return answers


def stdio(out: dict[str, Any], tools_out: str, strata: str, root: str) -> Checks:
    c = Checks()
    call = {"name": "strata_find", "arguments": {"query": "service"}}
    # The legacy era: the handshake, a notification (never answered), tools, ping, an unknown method.
    legacy = stdio_session(c, "legacy", strata, root, [
        INITIALIZE,
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        request(2, "tools/list"),
        request(3, "tools/call", call),
        request(4, "tools/call", {"name": "strata_check", "arguments": {"max_tokens": 8000}}),
        request(5, "ping"),
        request(6, "no/such-method"),
    ], {6: -32601})
    if 2 in legacy:
        message, raw = legacy[2]
        tools = message["result"]["tools"]
        # serde_json's compact form, key order kept: the same bytes as the line the server wrote.
        exact = json.dumps(message, separators=(",", ":"), ensure_ascii=False) + "\n" == raw
        c.ok(exact, "tools/list: the answer is not compact JSON as re-serialized (token count inexact)")
        with open(tools_out, "w", encoding="utf-8") as f:
            f.write(json.dumps(tools, separators=(",", ":"), ensure_ascii=False))
        c.figures["tools_list_bytes"] = len(json.dumps(tools, separators=(",", ":"), ensure_ascii=False).encode())
    # The stateless era: no handshake, `_meta` on every request.
    modern = stdio_session(c, "2026-07-28", strata, root, [
        request(1, "server/discover", {"_meta": META}),
        request(2, "tools/list", {"_meta": META}),
        request(3, "tools/call", {**call, "_meta": META}),
        request(4, "resources/read", {"uri": "strata://modules", "_meta": META}),
    ], {})
    if 1 in modern:
        c.ok(MODERN in modern[1][0].get("result", {}).get("supportedVersions", []), "stdio: server/discover lacks 2026-07-28")
    # A client that only probes (`server/discover`) and leaves: a whole stateless session, to
    # end as cleanly as one that lists the tools. One that leaves at once must only exit promptly.
    stdio_session(c, "discover-only", strata, root, [request(1, "server/discover", {"_meta": META})], {})
    stdio_session(c, "no-messages", strata, root, [], {}, clean_exit=False)
    return c


# ----------------------------------------------------------------------------------------- http

def post(url: str, body: Any, headers: dict[str, str] | None = None, method: str = "POST"
         ) -> tuple[int, dict[str, str], Any]:
    """One request; the status, headers (lower-case) and the JSON-RPC message of the answer
    (from `application/json` or the last `data:` event of `text/event-stream`), or the text."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    h.update(headers or {})
    conn.request(method, u.path, body=None if body is None else json.dumps(body), headers=h)
    r = conn.getresponse()
    text = r.read().decode(errors="replace")
    conn.close()
    got = {k.lower(): v for k, v in r.getheaders()}
    message: Any = text
    if got.get("content-type", "").startswith("text/event-stream"):
        for event in text.split("\n\n"):
            data = "\n".join(line[5:].lstrip() for line in event.splitlines() if line.startswith("data:"))
            if data.strip():
                message = json.loads(data)
    elif got.get("content-type", "").startswith("application/json") and text:
        message = json.loads(text)
    return r.status, got, message


def error_code(message: Any) -> Any:
    return message.get("error", {}).get("code") if isinstance(message, dict) else None


def modern_headers(method: str, name: str | None = None, version: str = MODERN) -> dict[str, str]:
    h = {"MCP-Protocol-Version": version, "Mcp-Method": method}
    if name is not None:
        h["Mcp-Name"] = name
    return h


def http_checks(url: str, stdio_tools: str | None = None) -> Checks:
    c = Checks()
    host = urllib.parse.urlsplit(url).netloc
    port = urllib.parse.urlsplit(url).port

    # Origin and Host: DNS rebinding and foreign pages.
    status, _, body = post(url, INITIALIZE, {"Origin": "http://evil.example"})
    c.ok(status == 403, f"a foreign Origin: {status}, not 403: {str(body)[:120]}")
    status, _, body = post(url, INITIALIZE, {"Origin": "null"})
    c.ok(status == 403, f"Origin null: {status}, not 403")
    status, _, body = post(url, INITIALIZE, {"Host": "evil.example"})
    c.ok(status == 403, f"a foreign Host: {status}, not 403: {str(body)[:120]}")
    status, _, body = post(url, INITIALIZE, {"Host": f"evil.example:{port}"})
    c.ok(status == 403, f"a foreign Host with the port: {status}, not 403")
    status, _, body = post(url, INITIALIZE, {"Origin": f"http://localhost:{port}"})
    c.ok(status == 200, f"a loopback Origin: {status}, not 200")

    # The legacy era: a session from initialize, ended by DELETE.
    status, headers, body = post(url, INITIALIZE)
    session = headers.get("mcp-session-id", "")
    c.ok(status == 200 and isinstance(body, dict) and body.get("result", {}).get("protocolVersion") == LEGACY,
         f"initialize without Origin: {status} {str(body)[:160]}")
    c.ok(session, "initialize: no mcp-session-id")
    s = {"mcp-session-id": session, "MCP-Protocol-Version": LEGACY}
    status, _, _ = post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, s)
    c.ok(status == 202, f"notifications/initialized: {status}, not 202")
    status, _, body = post(url, request(2, "tools/list"), s)
    c.ok(status == 200 and len(body.get("result", {}).get("tools", [])) == 9, f"tools/list in the session: {status}")
    status, _, body = post(url, request(3, "tools/call", {"name": "strata_overview", "arguments": {}}), s)
    c.ok(status == 200 and isinstance(body.get("result", {}).get("structuredContent"), dict),
         f"tools/call in the session: {status} {str(body)[:160]}")
    status, _, body = post(url, request(4, "tools/list"), {"MCP-Protocol-Version": LEGACY})
    c.ok(status == 400, f"a legacy request without a session: {status}, not 400")
    status, _, body = post(url, None, {"mcp-session-id": session}, method="DELETE")
    c.ok(status in (200, 202, 204), f"DELETE the session: {status}")
    c.figures["delete_status"] = status
    status, _, body = post(url, request(5, "tools/list"), s)
    c.ok(status == 404, f"a request in the deleted session: {status}, not 404")

    # The stateless era: discover, headers that must match the body, versions.
    status, _, body = post(url, request(1, "server/discover", {"_meta": META}), modern_headers("server/discover"))
    supported = body.get("result", {}).get("supportedVersions", []) if isinstance(body, dict) else []
    c.figures["supported_versions"] = supported
    c.ok(status == 200 and MODERN in supported and LEGACY in supported, f"server/discover: {status} {supported}")
    find = {"name": "strata_find", "arguments": {"query": "service"}, "_meta": META}
    status, _, body = post(url, request(2, "tools/call", find), modern_headers("tools/call", "strata_find"))
    result = body.get("result", {}) if isinstance(body, dict) else {}
    c.ok(status == 200 and result.get("resultType") == "complete" and not result.get("isError")
         and isinstance(result.get("structuredContent"), dict), f"tools/call: {status} {str(body)[:160]}")
    status, _, body = post(url, request(3, "tools/call", find), modern_headers("tools/call"))
    c.ok(status == 400 and error_code(body) == -32020, f"tools/call without Mcp-Name: {status} {body}")
    status, _, body = post(url, request(4, "tools/call", find), modern_headers("tools/call", "strata_check"))
    c.ok(status == 400 and error_code(body) == -32020, f"tools/call with another Mcp-Name: {status} {body}")
    status, _, body = post(url, request(5, "tools/call", find), {"MCP-Protocol-Version": MODERN, "Mcp-Name": "strata_find"})
    c.ok(status == 400 and error_code(body) == -32020, f"tools/call without Mcp-Method: {status} {body}")
    old = {**META, "io.modelcontextprotocol/protocolVersion": "2099-01-01"}
    status, _, body = post(url, request(6, "tools/list", {"_meta": old}), modern_headers("tools/list", version="2099-01-01"))
    data = body.get("error", {}).get("data", {}) if isinstance(body, dict) else {}
    c.ok(status == 400 and error_code(body) == -32022 and MODERN in data.get("supported", []),
         f"an unsupported version: {status} {body}")
    bare = {"io.modelcontextprotocol/protocolVersion": MODERN}
    status, _, body = post(url, request(7, "tools/list", {"_meta": bare}), modern_headers("tools/list"))
    c.ok(status == 400 and error_code(body) == -32602, f"no clientCapabilities: {status} {body}")
    status, _, body = post(url, request(8, "no/such-method", {"_meta": META}), modern_headers("no/such-method"))
    c.ok(status == 404 and error_code(body) == -32601, f"an unknown method: {status} {body}")
    read = {"uri": "strata://modules", "_meta": META}
    status, _, body = post(url, request(9, "resources/read", read), modern_headers("resources/read", "strata://modules"))
    c.ok(status == 200 and body.get("result", {}).get("contents"), f"resources/read: {status} {str(body)[:160]}")
    status, _, body = post(url, request(10, "resources/read", read), modern_headers("resources/read"))
    c.ok(status == 400 and error_code(body) == -32020, f"resources/read without Mcp-Name: {status} {body}")
    status, _, body = post(url, request(11, "tools/list", {"_meta": META}), modern_headers("tools/list"))
    tools = json.dumps(body.get("result", {}).get("tools"), separators=(",", ":"), ensure_ascii=False)
    if stdio_tools:
        with open(stdio_tools, encoding="utf-8") as f:
            c.ok(tools == f.read(), "tools/list over HTTP differs from tools/list on stdio")
    c.figures["host"] = host
    return c


def main() -> int:
    kind, out_path, *rest = sys.argv[1:]
    out: dict[str, Any] = {"transport": kind}
    try:
        c = stdio(out, *rest) if kind == "stdio" else http_checks(*rest)
    except Exception as e:  # noqa: BLE001 - a crash is a failed check
        c = Checks()
        c.ok(False, f"{kind}: {type(e).__name__}: {e}")
    out.update(checks=c.count, failures=c.failures, figures=c.figures)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f)
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
