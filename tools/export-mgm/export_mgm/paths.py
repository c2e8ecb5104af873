"""Where the shared code lives in this repository, and how it is imported."""
from __future__ import annotations

import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
MGM_TINY = os.path.join(REPO, "tools", "mgm-tiny")
QUANTIZE = os.path.join(REPO, "tools", "quantize")
TEMPLATES = os.path.join(REPO, "packages", "model-zoo", "manifest-templates.json")


def use_shared_tools() -> None:
    """Makes `mgm_tiny` (the graph export) and `mgm_quantize` (the dtype variants) importable."""
    for p in (MGM_TINY, QUANTIZE):
        if p not in sys.path:
            sys.path.insert(0, p)
