"""Measurement helpers for the benchmarks: peak memory, the garbage collector held still, the machine's name."""

from __future__ import annotations

import gc
import platform
import resource

import numpy as np


def reset_peak() -> None:
    """Reset the process's peak RSS (Linux: writing 5 to clear_refs resets VmHWM), so each system gets its own peak."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


class Frozen:
    """Timed query loops run with the objects that exist before them (index, dataset, harness) moved out of the
    garbage collector's view (gc.freeze, as a long-running service does after start-up), for every system alike:
    otherwise full collections triggered by a system's per-query allocations rescan the harness's own objects."""

    def __enter__(self) -> None:
        gc.collect()
        gc.freeze()

    def __exit__(self, *exc) -> None:
        gc.unfreeze()


def peak_mb() -> float:
    """The process's peak resident memory since the last reset_peak(), in MB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_name() -> str:
    """The processor's model name, for benchmark reports."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of values; 0.0 for none."""
    return float(np.percentile(np.array(values), p)) if values else 0.0
