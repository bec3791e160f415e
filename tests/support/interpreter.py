"""Django in a fresh interpreter: this process's environment with changes, and the
production variables of docs/deploy.md, for tests of what settings do at start-up."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The production variables of docs/deploy.md (the key is an example, never a real one).
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7Rq2-example-only-LmN8vKp3Zt6Wb9Yc4Hd1Jf5Gs0Ae_QwErTyUiOp",
    "ALLOWED_HOSTS": "ntm.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://ntm.example.vn",
    "DATABASE_URL": "postgres://ntm@127.0.0.1:5432/ntm_portal",
    "DEBUG": None,
    "SECURE_SSL_REDIRECT": None,
    "SECURE_HSTS_SECONDS": None,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": None,
    "SECURE_HSTS_PRELOAD": None,
    # Set by the browser tests' conftest; the deployment check rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE": None,
}


def run_python(code_or_args, env):
    """Run Python code (or arguments, e.g. manage.py …) in a fresh interpreter."""
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def environment(**env):
    """This process's environment with env on top; a None value removes a variable."""
    merged = {**os.environ, "DJANGO_SETTINGS_MODULE": "ntm_portal.settings", **env}
    return {name: value for name, value in merged.items() if value is not None}


def production_env(static_root, **env):
    """The environment of a production server (PRODUCTION), with env on top."""
    return environment(**{**PRODUCTION, "STATIC_ROOT": str(static_root), **env})
