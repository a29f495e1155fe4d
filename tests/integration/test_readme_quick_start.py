"""The README's quick start, run as written: its shell lines taken from README.md, run one
after another by the installed ``hogatar`` against a fresh database prepared as
``make run`` prepares it (the Makefile's own steps before ``hogatar run``: migrate, seed
the demo data, give demo staff their password)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT, free_port

HOGATAR = Path(sys.executable).parent / "hogatar"
MARK = "@@done"


def quick_start_lines() -> list[str]:
    """The shell lines of the first ``sh`` block after "In another terminal"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme.split("In another terminal", 1)[1]
    block = re.search(r"```sh\n(.*?)```", after, re.S)
    assert block, "the README's quick start has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def make_run_steps() -> list[list[str]]:
    """What `make run` does before it starts the processes, from the Makefile."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has no run target"
    steps = [
        shlex.split(line.strip().replace("$(BIN)/", "")) for line in recipe.group(1).splitlines()
    ]
    assert steps[-1] == ["hogatar", "run"], steps
    return steps[:-1]


def test_the_readme_quick_start_runs_as_written(tmp_path):
    assert HOGATAR.exists(), f"{HOGATAR} is not installed"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOGATAR_")} | {
        "PATH": f"{HOGATAR.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOGATAR_DATABASE_URL": f"sqlite:///{tmp_path / 'hogatar.sqlite3'}",
        "HOGATAR_VAR_DIR": str(tmp_path / "var"),
        "HOGATAR_WORKFLOWS_DIR": str(ROOT / "config" / "workflows"),
        # As when make run's worker is not up yet: rows wait for the sweep.
        "HOGATAR_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
        "HOGATAR_PUBLISH_TIMEOUT_SECONDS": "0.2",
    }
    for step in make_run_steps():
        done = subprocess.run(step, env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, (step, done.stderr)

    lines = quick_start_lines()
    # One shell, as a user pastes the lines; after each, its exit status on both streams.
    script = "".join(
        f"{line}\nrc=$?; echo '{MARK} {n}' $rc; echo '{MARK} {n}' $rc >&2\n"
        for n, line in enumerate(lines)
    )
    ran = subprocess.run(
        ["sh", "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    outs, errs = split(ran.stdout), split(ran.stderr)
    assert len(outs) == len(lines), ran.stderr
    for n, line in enumerate(lines):
        (code, out), (_, err) = outs[n], errs[n]
        assert "Traceback" not in err, (line, err)
        if "# refused" in line:
            assert code == 2, (line, out, err)
            assert len(err.strip().splitlines()) == 1 and err.startswith("hogatar: "), err
        else:
            assert code == 0, (line, err)
    case_id = int(outs[0][1].strip() or outs[1][1].split()[-1])
    shown = json.loads(
        next(out for (_, out), line in zip(outs, lines, strict=True) if "--json" in line)
    )
    assert (shown["id"], shown["state"]) == (case_id, "enrolled")
    # The case is the new family's, opened after the demo's cases.
    assert case_id > 80


def split(stream: str) -> list[tuple[int, str]]:
    """(exit status, output) of each line, from the marks the script printed."""
    found, text = [], []
    for row in stream.splitlines(keepends=True):
        if row.startswith(MARK):
            found.append((int(row.split()[2]), "".join(text)))
            text = []
        else:
            text.append(row)
    return found
