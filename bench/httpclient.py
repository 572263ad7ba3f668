"""A minimal asyncio HTTP/1.1 client: the venv has no httpx/aiohttp, and the benchmark needs only this.

Used to fire the concurrent accepts (one connection each, all sent at once) and, when wrk is
not installed, as a fixed-duration load generator over keep-alive connections.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from .stats import summary_ms


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float


def request_bytes(method: str, path: str, host: str, port: int, headers: dict | None = None,
                  body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive",
             f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_reply(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one response (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(chunk[:-2])
        return status, b"".join(chunks)
    return status, await reader.readexactly(int(headers.get("content-length", "0")))


async def fire_at_once(host: str, port: int, requests: list[bytes], timeout: float = 120.0) -> list[Reply]:
    """Open one connection per request first, then send every request in the same instant."""
    connections = await asyncio.gather(*(asyncio.open_connection(host, port) for _ in requests))
    go = asyncio.Event()

    async def one(connection, raw: bytes) -> Reply:
        reader, writer = connection
        await go.wait()
        started = time.perf_counter()
        writer.write(raw)
        await writer.drain()
        status, body = await read_reply(reader)
        elapsed = time.perf_counter() - started
        writer.close()
        return Reply(status, body, elapsed)

    tasks = [asyncio.create_task(one(c, raw)) for c, raw in zip(connections, requests, strict=True)]
    await asyncio.sleep(0.2)  # let every task reach the gate
    go.set()
    return list(await asyncio.wait_for(asyncio.gather(*tasks), timeout))


async def _load(host: str, port: int, paths: list[str], connections: int, duration: float) -> dict:
    deadline = time.perf_counter() + duration
    latencies: list[float] = []
    errors = {"status": 0, "socket": 0}

    async def client(offset: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        index = offset
        try:
            while time.perf_counter() < deadline:
                path = paths[index % len(paths)]
                index += connections
                started = time.perf_counter()
                writer.write(request_bytes("GET", path, host, port))
                await writer.drain()
                status, _body = await read_reply(reader)
                latencies.append(time.perf_counter() - started)
                if status >= 400:
                    errors["status"] += 1
        except (OSError, asyncio.IncompleteReadError):
            errors["socket"] += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(connections)))
    elapsed = time.perf_counter() - started
    return {"tool": "python asyncio", "requests": len(latencies), "seconds": round(elapsed, 2),
            "rps": round(len(latencies) / elapsed, 1),
            "ok_rps": round((len(latencies) - errors["status"]) / elapsed, 1),
            "latency_ms": summary_ms(latencies), "errors": errors}


def load(host: str, port: int, paths: list[str], connections: int, duration: float) -> dict:
    """Requests/s and latency of GETs over `paths` from `connections` keep-alive clients for `duration` s."""
    return asyncio.run(_load(host, port, paths, connections, duration))
