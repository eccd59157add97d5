"""One session of the official Python MCP client (`mcp` 2.3.0) against strata's MCP server.

    python drive.py MODE OUT.json stdio ROOT STRATA   # `STRATA mcp --root ROOT`
    python drive.py MODE OUT.json http URL            # `strata serve`'s /mcp endpoint

MODE is the client's `mode`: `legacy` (the `initialize` handshake), `auto` (a `server/discover`
probe, falling back to `initialize`) or `2026-07-28` (the stateless era, no probe). The session
lists the tools (exactly strata's nine, sorted), calls each with valid arguments (found in the
repository through the tools themselves) and with bad ones, asks for an unknown tool and for a
small budget, then reads the resources and the prompts. The client checks every successful
answer's `structuredContent` against the tool's `outputSchema` itself (ClientSession.call_tool ->
validate_tool_result, on for every result without `isError`); the session first proves that
check is live. Prints a line per failed check; writes {checks, failures, version, ...} to OUT.
Exit 0: every check passed; 1: some failed.
"""
from __future__ import annotations

import json
import sys
import time
import traceback
import warnings
from typing import Any

import anyio
from mcp import MCPError, StdioServerParameters, stdio_client
from mcp.client import Client
from mcp.types import CallToolResult, TextContent

TOOLS = [
    "strata_check",
    "strata_check_plan",
    "strata_context",
    "strata_find",
    "strata_impact",
    "strata_overview",
    "strata_rules",
    "strata_similar",
    "strata_symbol",
]
# The version each mode must end up speaking.
EXPECTED_VERSION = {"legacy": "2025-11-25", "auto": "2026-07-28", "2026-07-28": "2026-07-28"}
# A file extension per module language, for `strata_similar`'s `at` (a file to be).
EXTENSIONS = {"ts": "ts", "py": "py", "rust": "rs", "go": "go", "java": "java"}


class Checks:
    def __init__(self) -> None:
        self.count = 0
        self.failures: list[str] = []

    def ok(self, condition: Any, what: str) -> bool:
        self.count += 1
        if not condition:
            self.failures.append(what)
            print(f"  FAIL {what}", flush=True)
        return bool(condition)


def text_of(result: Any) -> str:
    return "".join(c.text for c in getattr(result, "content", []) if isinstance(c, TextContent))


def brief(name: str, args: dict[str, Any]) -> str:
    """A call as failures name it: the tool and its arguments, cut short."""
    text = json.dumps(args)
    return f"{name} {text if len(text) <= 100 else text[:97] + '...'}"


def misspell(name: str) -> str:
    """A name one letter short: `agent-registry` -> `agent-regstry`."""
    k = len(name) * 2 // 3
    return name[:k] + name[k + 1 :]


async def session(mode: str, target: Any, out: dict[str, Any]) -> Checks:
    c = Checks()
    figures: dict[str, Any] = {}
    out["figures"] = figures
    async with Client(target, mode=mode, read_timeout_seconds=60) as client:
        version = client.protocol_version
        out["version"] = version
        c.ok(version == EXPECTED_VERSION[mode], f"negotiated {version}, not {EXPECTED_VERSION[mode]}")
        if mode == "2026-07-28":
            # A pinned version skips the probe (the client makes up a discover result): ask.
            raw = await client.session.send_discover(mode)
            supported = raw.get("supportedVersions", [])
            out["supported"] = supported
            c.ok(set(EXPECTED_VERSION.values()) <= set(supported), f"server/discover supports {supported}")
            c.ok(raw.get("resultType") == "complete", "server/discover: no resultType `complete`")
            c.ok(isinstance(raw.get("ttlMs"), int) and raw.get("cacheScope") in ("public", "private"),
                 "server/discover: no cache hints (ttlMs, cacheScope)")
            name = raw.get("_meta", {}).get("io.modelcontextprotocol/serverInfo", {}).get("name")
            instructions = raw.get("instructions")
        else:
            name = client.server_info.name if client.server_info else None
            instructions = client.instructions
        c.ok(name == "strata", f"serverInfo names {name!r}, not strata")
        c.ok("strata_find" in (instructions or ""), "the instructions do not name the tools")
        if mode == "legacy":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # deprecated in 2026-07-28, alive in the legacy era
                c.ok((await client.send_ping()) is not None, "ping")

        # --- tools/list
        listed = (await client.list_tools()).tools
        names = [t.name for t in listed]
        c.ok(names == TOOLS, f"tools/list gives {names}, not strata's nine sorted")
        for t in listed:
            c.ok(t.input_schema.get("type") == "object", f"{t.name}: inputSchema is not rooted at an object")
            c.ok((t.output_schema or {}).get("type") == "object", f"{t.name}: outputSchema missing or not an object")
            a = t.annotations
            c.ok(a is not None and a.read_only_hint is True and a.destructive_hint is False,
                 f"{t.name}: not annotated read-only and non-destructive")

        # The client validates structuredContent against outputSchema on its own: make sure it
        # is on, with the schemas the server listed (a result missing the required fields must
        # be refused, and a result with them accepted).
        sess = client.session
        c.ok(all(sess._tool_output_schemas.get(n) for n in TOOLS),  # noqa: SLF001
             "the client did not keep the listed output schemas")
        bogus = CallToolResult(content=[TextContent(type="text", text="x")], structured_content={"hits": "no"})
        refused = False
        try:
            await sess.validate_tool_result("strata_find", bogus)
        except RuntimeError:
            refused = True
        c.ok(refused, "the client's outputSchema validation is off: it accepted a bad structuredContent")

        async def call(name: str, args: dict[str, Any]) -> dict[str, Any] | None:
            """A call that must succeed; its structuredContent (validated by the client)."""
            what = brief(name, args)
            start = time.perf_counter()
            try:
                r = await client.call_tool(name, args)
            except RuntimeError as e:  # the client's outputSchema check
                c.ok(False, f"{what}: the client refused the answer: {e}")
                return None
            except MCPError as e:
                c.ok(False, f"{what}: JSON-RPC error {e.code}: {e.message}")
                return None
            figures.setdefault("call_ms", []).append(round((time.perf_counter() - start) * 1000, 1))
            if not c.ok(not r.is_error, f"{what}: isError: {text_of(r)[:300]}"):
                return None
            sc = r.structured_content
            if not c.ok(isinstance(sc, dict), f"{what}: structuredContent is not an object"):
                return None
            c.ok(isinstance(sc.get("index"), dict) and sc["index"].get("stale") is False,
                 f"{what}: no fresh `index`: {sc.get('index')!r}")
            c.ok(isinstance(sc.get("truncated"), bool), f"{what}: no boolean `truncated`")
            c.ok(text_of(r).strip(), f"{what}: the text block is empty")
            return sc

        async def refused_call(name: str, args: dict[str, Any], expect: str = "") -> None:
            """A call with bad arguments: an `isError` result with a message to act on."""
            what = brief(name, args)
            try:
                r = await client.call_tool(name, args)
            except MCPError as e:
                c.ok(False, f"{what}: a JSON-RPC error ({e.code}: {e.message}), not an isError result")
                return
            except RuntimeError as e:
                c.ok(False, f"{what}: the client refused the answer: {e}")
                return
            message = text_of(r)
            if c.ok(r.is_error, f"{what}: not isError: {message[:200]}"):
                c.ok(len(message) > 15, f"{what}: an unhelpful message: {message!r}")
                c.ok(expect in message, f"{what}: the message lacks {expect!r}: {message!r}")

        # --- every tool with valid arguments (the arguments found with the tools themselves)
        overview = await call("strata_overview", {}) or {}
        modules = [m["name"] for m in overview.get("modules", [])]
        c.ok(modules, "strata_overview lists no modules")
        figures["modules"] = len(modules) + overview.get("omitted", 0)
        # A module with an exported function, its card and the function.
        module = hit = card = None
        preferred = sorted(modules, key=lambda m: (m != "agent-registry", m))
        for m in preferred[:12]:
            found = await call("strata_find", {"query": m.split("-")[0].split("_")[0], "module": m, "limit": 5})
            for h in (found or {}).get("hits", []):
                if h.get("end_line", h["line"]) > h["line"] and h.get("exported", True):
                    module, hit = m, h
                    break
            if hit:
                break
        if not c.ok(hit, "strata_find found no multi-line definition in the first modules"):
            return c
        card = await call("strata_overview", {"module": module}) or {}
        c.ok(card.get("module", {}).get("name") == module, f"strata_overview {{module: {module}}}: not its card")
        root = card.get("module", {}).get("root", "")
        lang = card.get("module", {}).get("lang", "ts")
        figures["module"] = module
        path = hit["path"]
        sym = await call("strata_symbol", {"id": hit["id"]}) or {}
        c.ok(sym.get("symbol", {}).get("path") == path, f"strata_symbol {hit['id']}: another symbol")
        await call("strata_symbol", {"name": hit["symbol"], "path": path, "body": False})
        await call("strata_find", {"query": hit["symbol"], "kind": "fn"})
        await call("strata_similar", {"path": path, "start_line": hit["line"], "end_line": hit["end_line"], "min": 0.5})
        at = f"{root}/src/strata_mcp_check.{EXTENSIONS.get(lang, 'ts')}"
        await call("strata_similar", {"code": "\n".join(sym.get("body", {}).get("lines", [])) or "x", "at": at})
        rules = await call("strata_rules", {"module": module}) or {}
        c.ok(rules.get("module") == module, f"strata_rules {{module: {module}}}: another module")
        await call("strata_rules", {"path": path})
        everything = await call("strata_check", {"max_tokens": 8000}) or {}
        await call("strata_check", {"paths": [root]})
        await call("strata_impact", {"paths": [path]})
        ctx = await call("strata_context", {"task": f"change {hit['symbol']}", "budget_tokens": 800}) or {}
        c.ok(ctx.get("items"), "strata_context chose nothing for a task naming a definition")
        await call("strata_context", {"paths": [path], "budget_tokens": 800})
        other = next((m for m in modules if m != module), module)
        plan = await call("strata_check_plan", {
            "changes": [{"file": at, "imports": [other], "new_file": True}],
            "dependencies": [{"from": module, "to": other}],
        })
        if plan is not None:
            c.ok(isinstance(plan.get("allowed"), bool), "strata_check_plan: no boolean `allowed`")

        # --- the budget: a small max_tokens truncates the list and says so
        findings = len(everything.get("findings", [])) + everything.get("omitted", 0)
        figures["findings"] = findings
        small = await call("strata_check", {"max_tokens": 300}) or {}
        if c.ok(findings > 3, f"too few findings ({findings}) to test max_tokens"):
            c.ok(small.get("truncated") is True and small.get("omitted", 0) > 0,
                 f"strata_check {{max_tokens: 300}}: truncated {small.get('truncated')}, omitted {small.get('omitted')}")
            c.ok(small.get("hint"), "strata_check {max_tokens: 300}: no `hint`")

        # --- bad arguments: isError with a message to act on
        await refused_call("strata_rules", {"module": misspell(module)}, f"did you mean `{module}`")
        await refused_call("strata_overview", {"module": misspell(module)}, f"did you mean `{module}`")
        await refused_call("strata_check", {"rule": "port-conflit"}, "did you mean `port-conflict`")
        await refused_call("strata_find", {"query": ""})
        await refused_call("strata_find", {"query": "x", "kind": "klass"}, "`fn`")
        await refused_call("strata_find", {"query": "x", "limit": "many"})
        await refused_call("strata_find", {"query": "x", "max_tokens": -5}, "max_tokens")
        await refused_call("strata_symbol", {"id": "not an id"}, "path#name@line")
        wrong_folder = "/".join(path.split("/")[:-2] + path.split("/")[-1:])
        await refused_call("strata_symbol", {"name": hit["symbol"], "path": wrong_folder}, f"did you mean `{path}`")
        await refused_call("strata_symbol", {"name": hit["symbol"] + "Nope", "path": path}, "defines no")
        await refused_call("strata_similar", {})
        await refused_call("strata_similar", {"code": "x"}, "`at`")
        await refused_call("strata_impact", {"paths": []})
        await refused_call("strata_context", {})
        await refused_call("strata_rules", {})

        # --- an unknown tool is a protocol error, not a result
        try:
            r = await client.call_tool("strata_nope", {})
            c.ok(False, f"an unknown tool gave a result, not a JSON-RPC error: {text_of(r)[:200]}")
        except MCPError as e:
            figures["unknown_tool_error"] = e.code
            c.ok(e.code == -32602, f"an unknown tool: error code {e.code}, not -32602 (invalid params)")
            c.ok("strata_nope" in e.message, f"an unknown tool: the message does not name it: {e.message!r}")

        # --- resources
        resources = sorted(r.uri for r in (await client.list_resources()).resources)
        c.ok(resources == ["strata://modules", "strata://rules"], f"resources/list gives {resources}")
        templates = [t.uri_template for t in (await client.list_resource_templates()).resource_templates]
        c.ok(templates == ["strata://module/{name}"], f"resources/templates/list gives {templates}")
        for uri, expect in (("strata://modules", module), (f"strata://module/{module}", module),
                            ("strata://rules", "rule")):
            try:
                contents = (await client.read_resource(uri)).contents
                text = getattr(contents[0], "text", "") if contents else ""
                c.ok(contents and contents[0].uri == uri and expect in text,
                     f"resources/read {uri}: {text[:100]!r} lacks {expect!r}")
            except MCPError as e:
                c.ok(False, f"resources/read {uri}: error {e.code}: {e.message}")
        for uri in (f"strata://module/{misspell(module)}", "strata://nothing"):
            try:
                contents = (await client.read_resource(uri)).contents
                c.ok(False, f"resources/read {uri}: answered {len(contents)} contents, not an error")
            except MCPError as e:
                figures.setdefault("missing_resource_error", e.code)
                # -32002 (legacy's resource not found) or -32602 (the 2026-07-28 spelling).
                c.ok(e.code in (-32002, -32602), f"resources/read {uri}: error code {e.code}")

        # --- prompts
        prompts = sorted(p.name for p in (await client.list_prompts()).prompts)
        c.ok(prompts == ["plan-change", "review-diff"], f"prompts/list gives {prompts}")
        task = "add a retry to the payment client"
        got = await client.get_prompt("plan-change", {"task": task})
        c.ok(got.messages and task in getattr(got.messages[0].content, "text", ""),
             "prompts/get plan-change: the message lacks the task")
        review = await client.get_prompt("review-diff", {"paths": path})
        c.ok(review.messages and path in getattr(review.messages[0].content, "text", ""),
             "prompts/get review-diff: the message lacks the paths")
        try:
            await client.get_prompt("plan-change", {})
            c.ok(False, "prompts/get plan-change without `task`: no error")
        except MCPError as e:
            c.ok("task" in e.message, f"prompts/get plan-change without `task`: {e.message!r}")
    return c


def main() -> int:
    mode, out_path, kind, *rest = sys.argv[1:]
    if kind == "stdio":
        root, strata = rest
        params = StdioServerParameters(command=strata, args=["--no-progress", "mcp", "--root", root])
        errlog = open(out_path + ".stderr", "w", encoding="utf-8")  # noqa: SIM115
        target: Any = stdio_client(params, errlog=errlog)
    else:
        (target,) = rest
    out: dict[str, Any] = {"mode": mode, "transport": kind}
    start = time.perf_counter()
    try:
        checks = anyio.run(session, mode, target, out)
    except Exception as e:  # noqa: BLE001 - a failed session is a failed check
        checks = Checks()
        checks.ok(False, f"the session failed: {type(e).__name__}: {e}")
        traceback.print_exc()
    out["elapsed_ms"] = round((time.perf_counter() - start) * 1000)
    out["checks"] = checks.count
    out["failures"] = checks.failures
    calls = sorted(out.get("figures", {}).pop("call_ms", []) or [0])
    out.setdefault("figures", {})["call_ms_median"] = calls[len(calls) // 2]
    out["figures"]["call_ms_max"] = calls[-1]
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f)
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
