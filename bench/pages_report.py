#!/usr/bin/env python3
"""Helpers of bench/pages.sh.

  parse-wrk            read wrk --latency output on stdin, print "rps p50 p99 errors"
  writes FILE          summarize "kind status ms" lines: count, p50, p99 per kind
  report DIR MD ...    write the pages section of BENCHMARKS.md from DIR's results
"""
import argparse
import datetime
import os
import platform
import re
import subprocess
import sys

BEGIN = "<!-- pages:begin (written by bench/pages.sh) -->"
END = "<!-- pages:end -->"


def to_ms(value: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)$", value)
    if not m:
        return float("nan")
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60000}[unit]


def parse_wrk() -> None:
    text = sys.stdin.read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    failed = int(non2xx.group(1)) if non2xx else 0
    if errors:
        failed += sum(int(g) for g in errors.groups())
    print(
        f"{float(rps.group(1)) if rps else 0:.0f} "
        f"{to_ms(p50.group(1)) if p50 else float('nan'):.2f} "
        f"{to_ms(p99.group(1)) if p99 else float('nan'):.2f} "
        f"{failed}"
    )


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


def writes(path: str) -> None:
    by_kind = {}
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if len(parts) != 3:
            continue
        kind, status, ms = parts
        entry = by_kind.setdefault(kind, {"ok": [], "failed": 0})
        if status.startswith("2"):
            entry["ok"].append(float(ms))
        else:
            entry["failed"] += 1
    for kind, entry in sorted(by_kind.items()):
        ok = entry["ok"]
        print(
            f"{kind}\t{len(ok)}\t{entry['failed']}\t"
            f"{percentile(ok, 0.5):.1f}\t{percentile(ok, 0.99):.1f}"
        )


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]


def read_pairs(path):
    pairs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            pairs[key] = value
    return pairs


def fnum(value, digits=0):
    try:
        number = float(value)
    except ValueError:
        return value
    if number != number:
        return "–"
    return f"{number:,.{digits}f}"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pg = "psql not found"
    try:
        nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    except OSError:
        nginx = "nginx not found"
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.platform()}; {pg}; {nginx}"


def report(results: str, markdown: str, command: str, seconds: str, connections: str) -> None:
    lines = [
        BEGIN,
        "",
        f"Last run: {datetime.date.today().isoformat()} on {machine()}.",
        "",
        "```sh",
        command + "   # BENCH_SECONDS and BENCH_CONNECTIONS change the wrk runs",
        "```",
        "",
        f"wrk: 2 threads, {connections} connections, {seconds} s per row and column, "
        "`Accept-Encoding: gzip, br`; the server, wrk and nginx share the machine's cores. "
        "*anonymous* is a visitor without a session, *member* a signed-in member "
        "(session cookie on pages, API token on the API), *nginx* serves the very bytes "
        "acoge answered (gzip_static) from the same machine in the same run, and the ratio "
        "is anonymous ÷ nginx. *after write* is one anonymous GET right after a write "
        "(a new alliance), which moves the data version every cache is keyed by. Latencies in ms.",
        "",
    ]
    configurations = sorted(
        name[len("pages-") : -len(".tsv")]
        for name in os.listdir(results)
        if name.startswith("pages-") and name.endswith(".tsv")
    )
    order = {"small-sqlite": 0, "small-postgres": 1, "large-sqlite": 2, "large-postgres": 3}
    configurations.sort(key=lambda c: order.get(c, 9))
    for configuration in configurations:
        size, backend = configuration.split("-", 1)
        server_path = os.path.join(results, f"server-{configuration}.tsv")
        server = read_pairs(server_path) if os.path.exists(server_path) else {}
        lines += [
            f"### {server.get('practices', '?')} practices, {server.get('organizations', '?')} "
            f"organizations, {'PostgreSQL' if backend == 'postgres' else 'SQLite'}",
            "",
            f"Start to the first `/healthz` 200: {server.get('first_start_s', '?')} s on a new "
            f"corpus, {server.get('existing_start_s', '?')} s on the existing database. "
            f"Peak resident memory of `acoge serve` in service (every run below): "
            f"{server.get('peak_rss_mb', '?')} MB; of the first start, while it built the search "
            f"index of the whole corpus: {server.get('first_start_peak_rss_mb', '?')} MB.",
            "",
            "| address | status | gzip bytes | anonymous req/s | p50 | p99 | member req/s | p50 | p99 "
            "| nginx req/s | p99 | ratio | after write |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in read_tsv(os.path.join(results, f"pages-{configuration}.tsv")):
            try:
                ratio = float(row["anon_rps"]) / float(row["nginx_rps"])
                ratio_text = f"{ratio:.2f}"
            except (ValueError, ZeroDivisionError):
                ratio_text = "–"
            errors = ""
            if row.get("anon_errors", "0") not in ("0", "") or row.get("member_errors", "0") not in ("0", ""):
                errors = f" ({row['anon_errors']}/{row['member_errors']} not 2xx)"
            lines.append(
                f"| `{row['url']}` | {row['status']}{errors} | {fnum(row['bytes_gzip'])} "
                f"| {fnum(row['anon_rps'])} | {fnum(row['anon_p50'], 1)} | {fnum(row['anon_p99'], 1)} "
                f"| {fnum(row['member_rps'])} | {fnum(row['member_p50'], 1)} | {fnum(row['member_p99'], 1)} "
                f"| {fnum(row['nginx_rps'])} | {fnum(row['nginx_p99'], 1)} | {ratio_text} "
                f"| {fnum(row['first_after_write_ms'], 1)} |"
            )
        writes_path = os.path.join(results, f"writes-{configuration}.txt")
        if os.path.exists(writes_path):
            lines += [
                "",
                "Writes through the API while wrk reads five popular pages (64 connections):",
                "",
                "| write | done | failed | p50 ms | p99 ms |",
                "|---|---:|---:|---:|---:|",
            ]
            for line in open(writes_path, encoding="utf-8"):
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 5:
                    lines.append("| " + " | ".join(parts) + " |")
        lines.append("")
    lines.append(END)
    section = "\n".join(lines)
    text = open(markdown, encoding="utf-8").read() if os.path.exists(markdown) else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n## Pages: acoge against nginx serving the same bytes\n\n" + section + "\n"
    with open(markdown, "w", encoding="utf-8") as f:
        f.write(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("parse-wrk")
    w = sub.add_parser("writes")
    w.add_argument("file")
    r = sub.add_parser("report")
    r.add_argument("results")
    r.add_argument("markdown")
    r.add_argument("--command", required=True)
    r.add_argument("--seconds", required=True)
    r.add_argument("--connections", required=True)
    args = parser.parse_args()
    if args.command == "parse-wrk":
        parse_wrk()
    elif args.command == "writes":
        writes(args.file)
    else:
        report(args.results, args.markdown, args.command, args.seconds, args.connections)


if __name__ == "__main__":
    main()
