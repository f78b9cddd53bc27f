"""A non-editable install carries everything the app needs: templates, workflows, static
files, catalogues and migrations. Builds the wheel and runs the app from it alone."""

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SMOKE = textwrap.dedent(
    """
    import sys, warnings
    warnings.simplefilter("ignore")
    import sw_gremien, webtest
    from sw_gremien import main, migrate, paths
    assert paths.PACKAGE_DIR.parent == __import__("pathlib").Path(sys.argv[1]), paths.PACKAGE_DIR
    url = "sqlite:///" + sys.argv[1] + "/smoke.sqlite"
    migrate.upgrade(url)
    app = main({}, **{"sqlalchemy.url": url, "sw_gremien.secret": "s" * 40,
                      "sw_gremien.mailer": "testing"})
    client = webtest.TestApp(app)
    assert 'lang="de"' in client.get("/").text
    assert client.get("/static/css/site.css").status_int == 200
    assert client.get("/login").status_int == 200
    print(paths.templates_dir(), paths.workflows_dir())
    """
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out)],
        check=True, capture_output=True, cwd=out,
    )
    return next(out.glob("sw_gremien-*.whl"))


def test_wheel_contains_every_package_and_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        str(p.relative_to(ROOT)) for p in (ROOT / "sw_gremien").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    sources |= {
        "sw_gremien/" + str(p.relative_to(ROOT)) for folder in ("templates", "workflows")
        for p in (ROOT / folder).rglob("*") if p.is_file()
    }
    missing = sorted(sources - names)
    assert not missing, f"not in the wheel: {missing}"


def test_app_runs_from_the_wheel_alone(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    result = subprocess.run(
        [sys.executable, "-c", SMOKE, str(target)],
        capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert str(target / "sw_gremien" / "templates") in result.stdout
