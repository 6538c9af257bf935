"""``ganxun serve`` in production collects the static files once per release, not at every start."""

import os

from ganxun.shell.management.commands.serve import collect_static_if_changed


def test_static_files_are_collected_again_only_when_they_changed(settings, tmp_path):
    # given a static folder of our own and an empty STATIC_ROOT
    source = tmp_path / "static"
    source.mkdir()
    (source / "site.css").write_text("body {}", encoding="utf-8")
    settings.STATICFILES_DIRS = [str(source)]
    settings.STATIC_ROOT = str(tmp_path / "collected")
    # the first start collects, the second finds everything in place
    assert collect_static_if_changed() is True
    assert (tmp_path / "collected" / "site.css").exists()
    assert collect_static_if_changed() is False
    # a changed file (a new release) is collected at the next start
    (source / "site.css").write_text("body { color: red }", encoding="utf-8")
    os.utime(source / "site.css", (1_900_000_000, 1_900_000_000))
    assert collect_static_if_changed() is True
    assert "red" in (tmp_path / "collected" / "site.css").read_text(encoding="utf-8")
