#!/usr/bin/env python3
"""Seeded mutation fuzzing of the `moesim` command line.

Every shipped scenario (Scenarios/**/*.json5), trace and load record (Scenarios/traces/*) is
mutated (byte flips, truncation, deleted keys and lines, huge and tiny numbers, NaN and
Infinity, deep nesting, duplicated and junk text, corrupted binary headers) and fed to
`moesim validate` or a small `moesim run` (scenarios and routing traces) or `moesim place`
(load records), each under a
timeout and an address-space limit (`ulimit -v`). Expected outcomes are exit status 0 or a
sysexits refusal (64, 65, 66, 73, 74); a signal exit is a crash and a timeout a hang. The
report gives inputs, runs, exit statuses, crashes, hangs and the peak resident memory of any
run; crashing and hanging inputs are kept under `--keep` for reproduction.

Independent of the package: it needs only Python 3 and a built `moesim` binary, e.g.
    swift build -c release
    python3 Tests/fuzz/fuzz.py --moesim .build/release/moesim --inputs 10000 --seed 1
"""

import argparse
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "Scenarios"
REFUSALS = {64, 65, 66, 73, 74}

# Shrinks every run to milliseconds; applied after the (mutated) file, so a mutation that breaks
# the file is still seen by the decoder first.
SMALL_RUN = [
    "--set", "workload.steps=2", "--set", "workload.tokens_per_step=64",
    "--set", "router.warmup_steps=0", "--threads", "1", "--quiet", "--no-step-trace",
]

NUMBER = re.compile(rb"(?<![A-Za-z_])-?\d+(\.\d+)?([eE][-+]?\d+)?")
KEY_LINE = re.compile(rb"^\s*[A-Za-z_\"][A-Za-z0-9_\"]*\s*:")
HUGE = [
    b"1e308", b"1e999", b"-1e308", b"-1", b"0", b"-0", b"1e-320", b"4294967296",
    b"9223372036854775807", b"9223372036854775808", b"18446744073709551616",
    b"99999999999999999999999999999999999999", b"1073741824", b"65537", b"0.5", b"1.5",
]
SPECIAL = [b"NaN", b"Infinity", b"-Infinity", b"nan", b"inf", b"null", b"true", b"\"x\"", b"[]", b"{}"]


def nest(depth, rng):
    """A value nested `depth` deep in arrays or objects."""
    if rng.random() < 0.5:
        return b"[" * depth + b"1" + b"]" * depth
    return b"{a:" * depth + b"1" + b"}" * depth


def mutate_text(data, rng):
    """One mutation of a text input (JSON5, JSON, CSV, JSONL, YAML)."""
    kind = rng.randrange(12)
    if not data:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    if kind == 0:  # byte flips
        data = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    if kind == 1:  # truncation
        return data[: rng.randrange(len(data))]
    if kind == 2:  # delete a key's line
        lines = data.split(b"\n")
        keyed = [i for i, line in enumerate(lines) if KEY_LINE.match(line)]
        if keyed:
            del lines[rng.choice(keyed)]
            return b"\n".join(lines)
        return data
    if kind in (3, 4):  # a number made huge, tiny, negative or not a number
        numbers = list(NUMBER.finditer(data))
        if not numbers:
            return data + b"1e308"
        match = rng.choice(numbers)
        value = rng.choice(HUGE if kind == 3 else SPECIAL)
        return data[: match.start()] + value + data[match.end():]
    if kind == 5:  # deep nesting in place of a number
        numbers = list(NUMBER.finditer(data))
        value = nest(rng.choice([10, 100, 1000, 10000, 100000]), rng)
        if not numbers:
            return value
        match = rng.choice(numbers)
        return data[: match.start()] + value + data[match.end():]
    if kind == 6:  # delete a random line
        lines = data.split(b"\n")
        del lines[rng.randrange(len(lines))]
        return b"\n".join(lines)
    if kind == 7:  # duplicate a line (duplicate keys, repeated rows)
        lines = data.split(b"\n")
        index = rng.randrange(len(lines))
        lines.insert(index, lines[index])
        return b"\n".join(lines)
    if kind == 8:  # junk bytes inserted
        at = rng.randrange(len(data) + 1)
        junk = rng.choice(
            [b"\x00", b"\xff\xfe", b"\xe2\x80", b"/*", b"\"", b",", b"}", b"]", b"\r", b"\t" * 9,
             b"\\u0000", b"'", b"\xef\xbb\xbf"])
        return data[:at] + junk + data[at:]
    if kind == 9:  # a long line
        at = rng.randrange(len(data) + 1)
        return data[:at] + b"9" * rng.choice([1000, 100000, 2000000]) + data[at:]
    if kind == 10:  # swap two lines
        lines = data.split(b"\n")
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)
    # kind 11: the text repeated (many rows, repeated records)
    return data * rng.choice([2, 10, 100])


def mutate_binary(data, rng):
    """One mutation of a binary input (.npy, .safetensors): header fields or bytes."""
    kind = rng.randrange(6)
    if kind == 0 and len(data) > 10:  # header length field
        data = bytearray(data)
        at = 8 if data[:6] == b"\x93NUMPY" else 0
        for i in range(at, min(at + 8, len(data))):
            data[i] = rng.randrange(256)
        return bytes(data)
    if kind == 1:  # a shape or offset made huge (numbers in the text header)
        head = data[:256]
        numbers = list(NUMBER.finditer(head))
        if numbers:
            match = rng.choice(numbers)
            value = rng.choice(HUGE)
            return data[: match.start()] + value + data[match.end():]
        return data
    if kind == 2:  # dtype changed
        for old in (b"<i8", b"<f4", b"<i4", b"I64", b"F32", b"I32", b"F64"):
            if old in data:
                new = rng.choice([b"<f8", b"<i2", b"|b1", b">i8", b"<U8", b"O", b"F16", b"BOOL"])
                return data.replace(old, new[: len(old)].ljust(len(old)), 1)
        return data
    return mutate_text(data, rng)


def mutate(data, binary, rng):
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        data = mutate_binary(data, rng) if binary else mutate_text(data, rng)
    return data


class Outcome:
    __slots__ = ("status", "signal", "hang", "peak_kib", "seconds")

    def __init__(self, status, signal_number, hang, peak_kib, seconds):
        self.status = status
        self.signal = signal_number
        self.hang = hang
        self.peak_kib = peak_kib
        self.seconds = seconds


def run(command, cwd, timeout, memory_bytes):
    """Runs `command` under the limits; returns its outcome with its peak resident memory."""

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, preexec_fn=limit)
    hung = threading.Event()

    def kill():
        hung.set()
        try:
            process.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    process.returncode = 0  # reaped by wait4
    seconds = time.monotonic() - started
    if os.WIFSIGNALED(status):
        return Outcome(None, os.WTERMSIG(status), hung.is_set(), usage.ru_maxrss, seconds)
    return Outcome(os.WEXITSTATUS(status), None, False, usage.ru_maxrss, seconds)


def inputs():
    """(relative path, binary, commands) for every shipped input; commands take the path."""
    found = []
    for path in sorted(SCENARIOS.rglob("*.json5")):
        relative = path.relative_to(SCENARIOS)
        found.append((relative, False, [["validate"], ["run", *SMALL_RUN]]))
    traces = SCENARIOS / "traces"
    for path in sorted(traces.rglob("*")):
        if path.is_dir() or path.name == "README.md":
            continue
        relative = path.relative_to(SCENARIOS)
        binary = path.suffix in (".npy", ".safetensors")
        commands = [["place", "--devices", "4"], ["place", "--devices", "4", "--slots", "20"]]
        if path.name in ("example-decisions.csv", "example-vllm-routed-experts.npy",
                         "example-sglang-per-token.json"):
            commands = [["replay"], ["validate-replay"]]
        found.append((relative, binary, commands))
    return found


def command_line(moesim, command, target, out):
    """The argument list for one command on the mutated file at `target` (relative to the
    workspace's Scenarios folder)."""
    name = command[0]
    if name == "validate":
        return [moesim, "validate", str(target)]
    if name == "run":
        return [moesim, "run", str(target), "--out", str(out), *command[1:]]
    if name == "replay":
        return [moesim, "run", "trace-replay.json5", "--set", f"workload.trace={target}",
                "--out", str(out), "--quiet", "--threads", "1"]
    if name == "validate-replay":
        return [moesim, "validate", "trace-replay.json5", "--set", f"workload.trace={target}"]
    return [moesim, name, str(target), *command[1:]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moesim", default=str(ROOT / ".build/release/moesim"))
    parser.add_argument("--inputs", type=int, default=10000, help="mutated inputs in all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=20, help="seconds per command")
    parser.add_argument("--memory-mib", type=int, default=4096, help="ulimit -v per command")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", default=str(ROOT / ".build/fuzz-findings"))
    arguments = parser.parse_args()

    moesim = str(Path(arguments.moesim).resolve())
    workspace = Path(tempfile.mkdtemp(prefix="moesim-fuzz-"))
    keep = Path(arguments.keep)
    shipped = inputs()
    # The workspace mirrors Scenarios/, so that relative trace and config paths resolve.
    shutil.copytree(SCENARIOS, workspace / "Scenarios")
    base = workspace / "Scenarios"
    lock = threading.Lock()
    statuses = Counter()
    per_command = Counter()
    findings = []
    peak = [0, ""]
    runs = [0]
    started = time.monotonic()

    def one(index):
        rng = random.Random(arguments.seed * 1_000_003 + index)
        relative, binary, commands = shipped[index % len(shipped)]
        original = (SCENARIOS / relative).read_bytes()
        mutated = mutate(original, binary, rng)
        # Same folder as the original, so relative paths inside it still resolve.
        target = (base / relative).with_name(f"fuzz-{index}{relative.suffix}")
        target.write_bytes(mutated)
        out = workspace / "out" / str(index)
        # One of the file's commands per input (chosen by the seed), so that every command sees
        # about the same number of inputs.
        for command in [rng.choice(commands)]:
            argv = command_line(moesim, command, target.relative_to(base), out)
            outcome = run(argv, base, arguments.timeout, arguments.memory_mib << 20)
            if outcome.hang:
                label = "hang"
            elif outcome.signal is not None:
                label = f"signal {outcome.signal}"
            else:
                label = str(outcome.status)
            with lock:
                runs[0] += 1
                statuses[label] += 1
                per_command[(command[0], label)] += 1
                if outcome.peak_kib > peak[0]:
                    peak[0], peak[1] = outcome.peak_kib, " ".join(argv[1:3])
                bad = outcome.hang or outcome.signal is not None or (
                    outcome.status not in REFUSALS and outcome.status != 0)
                if bad:
                    keep.mkdir(parents=True, exist_ok=True)
                    saved = keep / f"{index}-{relative.name}"
                    saved.write_bytes(mutated)
                    findings.append((label, " ".join(argv[1:]), str(saved)))
        target.unlink()
        shutil.rmtree(out, ignore_errors=True)

    with ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
        for done, _ in enumerate(pool.map(one, range(arguments.inputs)), 1):
            if done % 1000 == 0:
                print(f"{done} inputs, {time.monotonic() - started:.0f} s", file=sys.stderr)
    shutil.rmtree(workspace, ignore_errors=True)

    crashes = sum(n for label, n in statuses.items() if label.startswith("signal"))
    hangs = statuses["hang"]
    refusals = {label: n for label, n in statuses.items() if label.isdigit() and int(label) in REFUSALS}
    unexpected = {label: n for label, n in statuses.items()
                  if label.isdigit() and int(label) not in REFUSALS and label != "0"}
    print(f"inputs: {arguments.inputs} mutations of {len(shipped)} shipped files (seed {arguments.seed})")
    print(f"runs: {runs[0]} in {time.monotonic() - started:.0f} s")
    print(f"exit 0: {statuses['0']}")
    print("refusals by exit status: " + ", ".join(f"{k}: {v}" for k, v in sorted(refusals.items())))
    print(f"other exit statuses: {unexpected or 'none'}")
    print(f"crashes (signal exits): {crashes}")
    print(f"hangs (over {arguments.timeout:g} s): {hangs}")
    print(f"peak resident memory: {peak[0] / 1024:.1f} MiB ({peak[1]}); limit ulimit -v {arguments.memory_mib} MiB")
    print("by command: " + ", ".join(f"{c} {l}: {n}" for (c, l), n in sorted(per_command.items())))
    for label, command, saved in findings[:50]:
        print(f"FINDING {label}: moesim {command}  (input kept at {saved})")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
