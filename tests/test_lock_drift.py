"""tools/lock_drift.py, which `make test-latest` runs to say what differs from the lock."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "lock_drift.py"


def _module():
    spec = importlib.util.spec_from_file_location("lock_drift", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_names_each_kind_of_difference():
    lines = _module().drift({"moto": "5.2.6", "boto3": "1.0", "gone": "1"},
                            {"moto": "5.2.7", "boto3": "1.0", "extra": "2", "pip": "26"})
    assert lines == ["  extra 2: installed, not in the lock",
                     "  gone: locked at 1, not installed",
                     "  moto: lock 5.2.6 -> installed 5.2.7"]


def test_it_reads_markers_for_this_interpreter(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text("appnope==1.0.0 ; sys_platform == 'nonexistent' \\\n"
                    "    --hash=sha256:00\n"
                    "moto==5.2.6 \\\n    --hash=sha256:11\n"
                    "    # via cognito-lab (pyproject.toml)\n")
    assert _module().locked_versions(lock) == {"moto": "5.2.6"}


def test_it_reports_a_changed_pin_and_exits_zero(tmp_path):
    lock = tmp_path / "lock.txt"
    real = (ROOT / "requirements" / "test.txt").read_text()
    lock.write_text(real.replace("\nmoto==", "\nmoto==0.0.1+", 1))
    done = subprocess.run([sys.executable, str(SCRIPT), str(lock)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    assert "moto: lock 0.0.1+" in done.stdout
