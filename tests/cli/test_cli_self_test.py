"""``playground --self-test`` from the source install, as a user runs it."""

from __future__ import annotations

from cli_helpers import clean_env


def test_self_test_passes_and_leaves_the_users_settings_alone(run, tmp_path):
    env = clean_env("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")  # it goes offscreen by itself
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path / "home"))
    proc = run("--self-test", env=env, timeout=240)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playground: self-test passed in "), proc.stdout
    assert "Traceback" not in proc.stderr and "propagateSizeHints" not in proc.stderr  # no offscreen noise
    assert not any(tmp_path.iterdir())  # no settings (nor anything else) written in the user's folders


def test_self_test_with_a_file_is_refused_in_one_line(run):
    proc = run("--self-test", "some.playground.json")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "playground: error: --self-test takes no FILE and no --play"
