"""The front page's pictures, made by the project's own tooling (run by `make readme-images`).

- docs/images/latency-chart.png: the latency chart notebook 07 stores (the output of its
  ``latency_chart(...)`` cell), taken byte for byte from the notebook.
- docs/images/pkce-stepper.png: the PKCE stepper of notebook 04 running in a real
  JupyterLab, the screenshot tests/browser/test_notebooks_in_jupyterlab.py saves into
  test-artifacts/screenshots/ (run that test first; without it the old picture stays).
"""

from __future__ import annotations

import base64
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
NOTEBOOK_07 = ROOT / "notebooks" / "07_local_verification_vs_getuser.ipynb"
STEPPER_SHOT = ROOT / "test-artifacts" / "screenshots" / "04_authorization_code_pkce.png"


def stored_png(notebook: Path, call: str) -> bytes:
    """The PNG stored as the output of the first code cell whose source contains ``call``."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code" and call in "".join(cell["source"]):
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get("image/png")
                if png:
                    return base64.b64decode("".join(png) if isinstance(png, list) else png)
            raise SystemExit(f"{notebook.name}: the {call} cell has no stored PNG: make notebooks")
    raise SystemExit(f"{notebook.name}: no cell calls {call}")


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    chart = IMAGES / "latency-chart.png"
    chart.write_bytes(stored_png(NOTEBOOK_07, "latency_chart("))
    print(f"wrote {chart.relative_to(ROOT)} (from {NOTEBOOK_07.name})")
    stepper = IMAGES / "pkce-stepper.png"
    if STEPPER_SHOT.is_file():
        shutil.copyfile(STEPPER_SHOT, stepper)
        print(f"wrote {stepper.relative_to(ROOT)} (from {STEPPER_SHOT.relative_to(ROOT)})")
    else:
        print(f"kept {stepper.relative_to(ROOT)}: no {STEPPER_SHOT.relative_to(ROOT)}; make it "
              "with: .venv/bin/python -m pytest tests/browser/test_notebooks_in_jupyterlab.py "
              "-k 04", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
