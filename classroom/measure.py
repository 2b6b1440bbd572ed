"""Measure what one notebook costs a hub: kernel memory, CPU time, and wall time under load.

For each notebook, and for each class size N (default 1, 5, 10 and 20), N kernels run
the notebook top to bottom at the same time, as N students pressing *Run All* together
would. For every kernel it records

- its peak resident memory (the kernel process's ``VmHWM`` in ``/proc``, read just
  before the kernel shuts down: the true high-water mark, not a sample),
- the CPU seconds it used (user + system, from ``/proc/<pid>/stat``),
- the wall time from kernel start to the last cell,

and writes ``classroom/sizing.json`` (every run) and ``classroom/sizing.md`` (the
table the README quotes). Linux only (it reads ``/proc``).

    .venv/bin/python classroom/measure.py                      # every notebook, N = 1 5 10 20
    .venv/bin/python classroom/measure.py notebooks/00-*.ipynb --students 1 5
    .venv/bin/python classroom/measure.py --out /tmp/sizing    # write elsewhere
    .venv/bin/python classroom/measure.py --from-json a.json b.json   # join earlier runs

The numbers depend on the machine and on what else runs on it: the table records the
core count and the load average at the start, so a loaded machine shows as such.
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import CaselessStrEnum, default

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


class SocketFileKernelManager(AsyncKernelManager):
    """A kernel that talks over Unix socket files in a folder of its own.

    With 20 kernels starting at once (and other jobs starting theirs), TCP ports
    that jupyter_client found free can be taken before a kernel binds them
    ("Address already in use", and the kernel dies); socket files in a fresh
    folder cannot collide.
    """

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc")

    @default("ip")
    def _ip_default(self):
        return str(Path(tempfile.mkdtemp(prefix="tc-kernel-")) / "kernel")


def kernel_pid(km):
    """The operating-system process id of a started jupyter_client kernel manager."""
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    if process is not None:
        return process.pid
    return km.kernel.pid  # jupyter_client < 7


def process_usage(pid):
    """(peak resident bytes, CPU seconds) of a live process, from /proc."""
    peak = None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) * 1024
    # Fields after the command name (which may hold spaces): utime is field 14, stime 15.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    return peak, cpu


async def run_notebook(path, timeout):
    """Run one notebook in a fresh kernel; returns its measurements (raises if a cell fails)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            kernel_manager_class=SocketFileKernelManager,
                            resources={"metadata": {"path": str(path.parent)}})
    client.reset_execution_trackers()
    start = time.perf_counter()
    async with client.async_setup_kernel():
        pid = kernel_pid(client.km)
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(cell, index)
        peak, cpu = process_usage(pid)
    return {"wall_s": time.perf_counter() - start, "cpu_s": cpu, "peak_bytes": peak}


def busy_cpu_seconds():
    """CPU seconds the whole machine has spent busy since boot (all cores, from /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


async def run_class(path, students, timeout):
    busy, own = busy_cpu_seconds(), sum(os.times()[:2])
    start = time.perf_counter()
    runs = await asyncio.gather(*(run_notebook(path, timeout) for _ in range(students)))
    wall = time.perf_counter() - start
    # What the rest of the machine used meanwhile: all busy time minus the kernels'
    # and this driver's own, as a share of the machine's cores.
    others = (busy_cpu_seconds() - busy) - sum(r["cpu_s"] for r in runs) - (sum(os.times()[:2]) - own)
    return {"notebook": path.name, "students": students, "class_wall_s": wall,
            "other_cpu_share": max(0.0, others) / (wall * os.cpu_count()), "runs": list(runs)}


def summarise(result):
    runs = result["runs"]
    return {"notebook": result["notebook"], "students": result["students"],
            "class_wall_s": round(result["class_wall_s"], 1),
            "other_cpu_share": result.get("other_cpu_share"),
            "wall_median_s": round(statistics.median(r["wall_s"] for r in runs), 1),
            "cpu_median_s": round(statistics.median(r["cpu_s"] for r in runs), 1),
            "peak_max_mib": round(max(r["peak_bytes"] for r in runs) / 2**20)}


def markdown(rows, students, machine):
    by_notebook = {}
    for row in rows:
        by_notebook.setdefault(row["notebook"], {})[row["students"]] = row
    head = ["notebook", "peak kernel memory", "CPU s (one run)"]
    head += [f"wall s, {n} at once" for n in students]
    lines = [f"Measured by `classroom/measure.py` on {machine}.", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, by_n in sorted(by_notebook.items()):
        first = by_n[min(by_n)]
        cells = [f"`{Path(name).stem}`", f"{first['peak_max_mib']} MiB", f"{first['cpu_median_s']}"]
        cells += [f"{by_n[n]['class_wall_s']}" if n in by_n else "not run" for n in students]
        lines.append("| " + " | ".join(cells) + " |")
    shares = {(row["notebook"], row["students"]): row["other_cpu_share"] for row in rows
              if row.get("other_cpu_share") is not None}
    if shares:
        lines += ["", "Other processes' share of the machine's CPU while each class ran (0 = the "
                  "machine was ours; a share s makes the wall times up to 1 / (1 - s) longer):", "",
                  "| notebook | " + " | ".join(f"{n} at once" for n in students) + " |",
                  "|" + "---|" * (len(students) + 1)]
        for name in sorted(by_notebook):
            cells = [f"{shares[name, n]:.0%}" if (name, n) in shares else "not recorded"
                     for n in students]
            lines.append(f"| `{Path(name).stem}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def class_table(rows, server_mib, target_s, sizes=(10, 30, 60, 100)):
    """"A class of N needs M GB and C cores", from the heaviest notebook measured.

    Memory: every student has one server (``server_mib``, measured by
    classroom/loadtest.py) and one notebook's kernel at its peak, plus 1 GB for the
    hub, the proxy and the system. Cores: the whole class presses Run All on the
    heaviest notebook at once and every run ends within ``target_s`` seconds; CPU
    seconds per run are those measured at the highest concurrency (contention makes
    a run cost more CPU than alone).
    """
    peak = max(r["peak_max_mib"] for r in rows)
    busiest = {}
    for r in rows:
        if r["students"] >= busiest.get(r["notebook"], {}).get("students", 0):
            busiest[r["notebook"]] = r
    cpu = max(r["cpu_median_s"] for r in busiest.values())
    lines = [f"Per student: {server_mib} MiB server + {peak} MiB kernel peak; "
             f"{cpu} CPU s per run of the heaviest notebook; all runs within {target_s} s.", "",
             "| a class of | needs memory | and cores |", "|---|---|---|"]
    for n in sizes:
        memory = 1 + n * (server_mib + peak) / 1024
        cores = max(1, -(-n * cpu // target_s))
        lines.append(f"| {n} students | {memory:.0f} GB | {cores:.0f} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        default=sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")))
    parser.add_argument("--students", nargs="+", type=int, default=[1, 5, 10, 20])
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    parser.add_argument("--out", type=Path, default=ROOT / "classroom" / "sizing")
    parser.add_argument("--server-mib", type=int, default=150,
                        help="memory of one user's server without its kernel (classroom/loadtest.py measures it)")
    parser.add_argument("--target", type=int, default=120,
                        help="seconds within which a whole class's Run All must end")
    parser.add_argument("--from-json", type=Path, nargs="+",
                        help="rebuild the tables from earlier sizing.json files instead of measuring")
    args = parser.parse_args(argv)

    if args.from_json:
        loaded = [json.loads(path.read_text()) for path in args.from_json]
        machine = "; ".join(dict.fromkeys(d["machine"] for d in loaded))
        results = [r for d in loaded for r in d.get("results", [])]
        # "rows": summaries as this script prints them (one JSON line per class),
        # for runs whose full record was lost with an interrupted session.
        rows = [summarise(r) for r in results] + [r for d in loaded for r in d.get("rows", [])]
        args.students = sorted({r["students"] for r in rows})
    else:
        load = os.getloadavg()[0]
        machine = (f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
                   f"load average {load:.1f} at the start")
        results, rows = [], []
        args.out.parent.mkdir(parents=True, exist_ok=True)
        for path in args.notebooks:
            for n in args.students:
                result = asyncio.run(run_class(path.resolve(), n, args.timeout))
                results.append(result)
                rows.append(summarise(result))
                print(json.dumps(rows[-1]), flush=True)
                # Written after every class, so an interrupted session keeps what it measured.
                args.out.with_suffix(".json").write_text(
                    json.dumps({"machine": machine, "results": results}, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps({"machine": machine, "results": results}, indent=1))
    table = markdown(rows, args.students, machine) + "\n" + class_table(rows, args.server_mib, args.target)
    args.out.with_suffix(".md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
