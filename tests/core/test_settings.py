import os
import subprocess
import sys
from pathlib import Path


def _run(args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GANXUN_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DJANGO_SETTINGS_MODULE": "ganxun.settings", "GANXUN_VAR_DIR": str(tmp_path), **env_extra})
    return subprocess.run([sys.executable, "-m", "django", *args], env=env, capture_output=True, text=True,
                          cwd=tmp_path)


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = _run(["check", "--deploy", "--fail-level", "WARNING"],
                  {"GANXUN_SECRET_KEY": "k" * 20 + "Z9#q" * 10, "GANXUN_ALLOWED_HOSTS": "ganxun.local"}, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_secret_key_is_made_once_and_kept_private(tmp_path):
    result = _run(["check"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    key = tmp_path / "secret.key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
    first = key.read_text()
    _run(["check"], {}, tmp_path)
    assert key.read_text() == first


def test_a_bad_boolean_setting_is_refused_with_its_name(tmp_path):
    result = _run(["check"], {"GANXUN_DEBUG": "maybe"}, tmp_path)
    assert result.returncode != 0 and "GANXUN_DEBUG" in result.stderr


def test_database_url_from_the_environment(tmp_path):
    db = tmp_path / "x.sqlite3"
    result = _run(["migrate", "-v0"], {"GANXUN_DATABASE_URL": f"sqlite:///{db}"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert db.exists() and not (Path(tmp_path) / "ganxun.sqlite3").exists()
