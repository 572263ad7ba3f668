"""The built wheel is the whole app: installed into a fresh virtual environment, without the source tree, it passes
`check`, migrates a new database, finds its templates and speaks Chinese.

The wheel is built from a copy of the working tree (what git tracks or would track, without tests and benchmarks).
It is installed with pip into a new venv; its declared dependencies (and theirs, nothing else) are taken from this
environment's site-packages, which keeps the test to seconds and offline. WHEEL_TEST_FULL_INSTALL=1 lets pip
install the dependencies from the package index instead (minutes).
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = ("tests/", "bench/")
# `python -m django check` and `migrate`, in one process (each start-up costs seconds), then a page and a message.
INSTALLED_APP = """
import json
import django
django.setup()
import accounts, notifications, zero_gig
from django.core.management import call_command
from django.template.loader import get_template
from django.utils import translation
call_command("check", fail_level="WARNING")
call_command("migrate", interactive=False, verbosity=0)
get_template("frontend/home.html")
translation.activate("zh-hans")
print(json.dumps({"modules": [accounts.__file__, notifications.__file__, zero_gig.__file__],
                  "message": translation.gettext("Only service-center staff can do this.")}))
"""


def source_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\n")
    return [name for name in listed if name and not name.startswith(LEFT_OUT) and (ROOT / name).is_file()]


def build_isolation() -> list[str]:
    """Builds with this environment's setuptools when it is the one pyproject.toml asks for (seconds, offline);
    otherwise pip fetches it into an isolated build environment."""
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    try:
        ready = all(Requirement(line).specifier.contains(metadata.version(Requirement(line).name)) for line in wanted)
    except metadata.PackageNotFoundError:
        ready = False
    return ["--no-build-isolation"] if ready else []


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    for name in source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", *build_isolation(),
                            "--wheel-dir", str(folder / "dist"), str(source)],
                           capture_output=True, text=True, timeout=600)
    if built.returncode:
        if "Could not find a version" in built.stderr or "No matching distribution" in built.stderr:
            pytest.skip(f"the build backend cannot be installed here (no package index): {built.stderr[-300:]}")
        pytest.fail(built.stdout + built.stderr)
    return next((folder / "dist").glob("zero_gig-*.whl"))


def package_files() -> set[str]:
    """Every file the installed app needs: what lives in a Python package of the source tree."""
    packages = {path.parent for path in ROOT.glob("*/__init__.py")} - {ROOT / "tests", ROOT / "bench"}
    return {name for name in source_files() if any((ROOT / name).is_relative_to(package) for package in packages)
            and not name.endswith(".pyc")}


def test_the_wheel_holds_every_app_template_and_catalog(wheel):
    held = set(zipfile.ZipFile(wheel).namelist())
    assert package_files() - held == set()
    assert {"notifications/models.py", "zero_gig/locale/zh_Hans/LC_MESSAGES/django.mo",
            "frontend/templates/frontend/home.html"} <= held


def declared_dependencies(wheel: Path) -> set[str]:
    """The distributions the wheel asks for, and theirs, as installed here."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    wanted = [Requirement(line.split(":", 1)[1].strip()) for line in text.splitlines()
              if line.startswith("Requires-Dist:")]
    found, todo = set(), [(requirement, "") for requirement in wanted]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        if name in found and not requirement.extras:
            continue
        found.add(name)
        for line in metadata.distribution(name).requires or []:
            for wanted_extra in [""] + sorted(requirement.extras):
                todo.append((Requirement(line), wanted_extra))
    return found


def link_dependencies(wheel: Path, site_packages: Path, folder: Path) -> None:
    """Puts the declared dependencies from this environment on the new venv's path (and nothing else of it)."""
    here = Path(sysconfig.get_paths()["purelib"])
    shelf = folder / "dependencies"
    shelf.mkdir()
    for name in declared_dependencies(wheel):
        for top in {Path(str(file)).parts[0] for file in metadata.distribution(name).files or []}:
            # its modules and its .dist-info (so that importlib.metadata finds it), not its .pth hooks
            if top.endswith(".pth") or top in ("..", "__pycache__") or (shelf / top).exists():
                continue
            if (here / top).exists():
                (shelf / top).symlink_to(here / top)
    (site_packages / "zz_dependencies.pth").write_text(f"{shelf}\n")


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("venv")
    venv.create(folder / "venv", with_pip=False)
    python = folder / "venv" / "bin" / "python"
    site_packages = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        capture_output=True, text=True, check=True).stdout.strip())
    full = os.environ.get("WHEEL_TEST_FULL_INSTALL") == "1"
    if not full:
        link_dependencies(wheel, site_packages, folder)
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", str(wheel)]
    subprocess.run(install if full else [*install, "--no-deps"], check=True, capture_output=True, timeout=1200)
    return python


def run_installed(python: Path, folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Runs in an empty folder with a clean environment: only the installed wheel can answer the imports."""
    env = {"PATH": os.environ["PATH"], "HOME": str(folder), "DJANGO_SETTINGS_MODULE": "zero_gig.settings",
           "DEBUG": "1", "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "PYTHONNOUSERSITE": "1"}
    return subprocess.run([str(python), *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def test_the_installed_wheel_checks_migrates_and_speaks_chinese(installed, tmp_path):
    app = run_installed(installed, tmp_path, "-c", INSTALLED_APP)
    assert app.returncode == 0, app.stdout + app.stderr
    answer = json.loads(app.stdout.strip().splitlines()[-1])
    assert all(str(ROOT) not in module for module in answer["modules"]), answer  # the wheel's, not the tree's
    assert (tmp_path / "db.sqlite3").exists()
    assert answer["message"] == "只有服务中心工作人员可以执行此操作。"
