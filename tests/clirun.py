"""Run the real `errpath` command in a subprocess, as a user would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def errpath(*args: str, cwd=None, env_extra=None, timeout: float = 120) -> Run:
    env = dict(os.environ)
    env.setdefault("XDG_CACHE_HOME", os.path.join(str(cwd or "."), ".cache-test"))
    if env_extra:
        env.update(env_extra)
    p = subprocess.run([sys.executable, "-m", "errpath", *args], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return Run(p.returncode, p.stdout, p.stderr)
