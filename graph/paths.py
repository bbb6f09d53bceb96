"""Where the bundled data lives."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
DATASET_NAME = "policykg.trig"
DATASET_PATH = DATA_DIR / DATASET_NAME


def dataset_path_for(raw_dir: Path) -> Path:
    """The built dataset that belongs to a raw folder: beside it, in its parent."""
    raw_dir = raw_dir.resolve()
    if raw_dir == RAW_DIR.resolve():
        return DATASET_PATH
    return raw_dir.parent / DATASET_NAME if raw_dir.name == "raw" else raw_dir / DATASET_NAME
