"""The plain columns in and out of matching: one ``Side`` per market side, the ``Weights``, the ``Matches``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

COMPONENTS = ("text", "leaf", "industry", "distance", "tier")


@dataclass(frozen=True)
class Weights:
    """Weights of the components; the score is their weighted sum (defaults sum to 1)."""

    text: float = 0.5
    leaf: float = 0.2
    industry: float = 0.15
    distance: float = 0.1
    tier: float = 0.05

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = getattr(self, name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"weight {name} must be a finite number ≥ 0, got {value!r}")

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}


@dataclass(frozen=True)
class Side:
    """One side of the market as columns, one element per row.

    ``text``: product name and spec; ``leaf``: chain-tree leaf id or None; ``industry``: GB/T 4754 code (``"3911"``,
    ``"C3911"``; 2 or 3 digits when only the division or group is known; ``""`` unknown); ``region``: division code
    (6-digit county, or 4-digit city; ``""`` unknown); ``tier``: 0 … 1 (None or missing is 0).
    """

    text: Sequence[str]
    leaf: Sequence[int | None] = ()
    industry: Sequence[str] = ()
    region: Sequence[str] = ()
    tier: Sequence[float | None] = ()

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Matches:
    """Top-``k`` candidates per query. Arrays are n_queries × k; ``index`` is -1 (score NaN) past the last candidate.

    ``components[name]`` is the raw component in [0, 1]; ``contributions()`` are weight × component, which sum to
    ``score``.
    """

    index: IntArray
    score: FloatArray
    components: dict[str, FloatArray]
    weights: Weights

    def contributions(self) -> dict[str, FloatArray]:
        w = self.weights.as_dict()
        return {name: w[name] * self.components[name] for name in COMPONENTS}
