"""notebooks/analysis.ipynb runs top to bottom on a seed run and on empty claims/traits.

The notebook is executed with nbclient in a `python3` kernel of this interpreter, with its
working directory set to notebooks/ and the tables taken from `LEADCLAIMS_OUTPUTS`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel, find_kernel_specs
from nbclient import NotebookClient

from pipeline.schemas import CLAIMS, TRAITS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK = NOTEBOOKS / "analysis.ipynb"
KERNEL = "python3"
LEADERS_TAG = "leaders-vs-managers"
# jupyter_client swaps these for sys.executable when it launches a kernel.
_BARE_PYTHONS = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info)}


def _kernel_uses_this_python() -> bool:
    """Whether the `python3` kernelspec Jupyter finds would run this interpreter."""
    if KERNEL not in find_kernel_specs():
        return False
    try:
        argv = KernelSpecManager().get_kernel_spec(KERNEL).argv
    except NoSuchKernel:
        return False
    if not argv:
        return False
    if argv[0] in _BARE_PYTHONS:
        return True
    try:
        return Path(argv[0]).resolve() == Path(sys.executable).resolve()
    except OSError:
        return False


@pytest.fixture(scope="session")
def jupyter_path(tmp_path_factory) -> str | None:
    """A temporary JUPYTER_PATH holding a `python3` kernelspec for this interpreter, or None
    when Jupyter already finds one; nothing is installed outside the test's temporary dir."""
    if _kernel_uses_this_python():
        return None
    import ipykernel.kernelspec

    prefix = tmp_path_factory.mktemp("jupyter")
    ipykernel.kernelspec.install(kernel_name=KERNEL, prefix=str(prefix))
    return str(prefix / "share" / "jupyter")


def run_notebook(outputs: Path, jupyter_path: str | None, monkeypatch) -> nbformat.NotebookNode:
    """Execute the notebook against the tables in `outputs`; environment restored after."""
    monkeypatch.setenv("LEADCLAIMS_OUTPUTS", str(outputs))
    # ipykernel picks the inline backend (which yields image/png) only if none is set.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    if jupyter_path is not None:
        monkeypatch.setenv("JUPYTER_PATH", jupyter_path)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=300, kernel_name=KERNEL, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError if any cell fails
    return nb


def outputs_of(nb: nbformat.NotebookNode) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def n_images(nb: nbformat.NotebookNode) -> int:
    return sum("image/png" in out.get("data", {}) for out in outputs_of(nb))


def assert_no_errors(nb: nbformat.NotebookNode) -> None:
    errors = [out for out in outputs_of(nb) if out.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]


def leaders_cell_text(nb: nbformat.NotebookNode) -> str:
    cells = [c for c in nb.cells if LEADERS_TAG in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {LEADERS_TAG!r}"
    parts = []
    for out in cells[0].outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        else:
            parts.extend(str(v) for k, v in out.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_notebook_runs_on_seed_run(seed_run, jupyter_path, monkeypatch):
    nb = run_notebook(Path(seed_run["dir"]), jupyter_path, monkeypatch)
    assert_no_errors(nb)
    assert n_images(nb) >= 5

    traits = pd.read_parquet(Path(seed_run["dir"]) / "traits.parquet")
    by_role = traits.pivot_table(
        index="trait", columns="role", values="n_claims", aggfunc="sum", fill_value=0
    ).reindex(columns=["leadership", "management"], fill_value=0)
    leaders_more = by_role[by_role["leadership"] > by_role["management"]]
    assert not leaders_more.empty, "the seed run should have leadership-only traits"
    top = (leaders_more["leadership"] - leaders_more["management"]).reset_index(name="d")
    top = top.sort_values(["d", "trait"], ascending=[False, True])["trait"].iloc[0]

    text = leaders_cell_text(nb)
    assert "<table" in text  # displayed as a DataFrame
    for column in ("trait", "leadership", "management", "difference"):
        assert column in text
    assert top[:30] in text


def test_notebook_runs_with_empty_claims_and_traits(seed_run, jupyter_path, monkeypatch, tmp_path):
    seed_dir = Path(seed_run["dir"])
    for name in ("documents", "segments", "split", "sentences"):
        shutil.copy(seed_dir / f"{name}.parquet", tmp_path / f"{name}.parquet")
    pq.write_table(pa.Table.from_pylist([], schema=CLAIMS), tmp_path / "claims.parquet")
    pq.write_table(pa.Table.from_pylist([], schema=TRAITS), tmp_path / "traits.parquet")

    nb = run_notebook(tmp_path, jupyter_path, monkeypatch)
    assert_no_errors(nb)
    # Labels per document and cleaning still plot; the claim figures give way to notes.
    assert n_images(nb) >= 2
    assert "nothing to compare" in leaders_cell_text(nb)
    assert "<table" not in leaders_cell_text(nb)
