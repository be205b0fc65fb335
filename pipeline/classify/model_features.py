"""A model file's weights against the features the code computes, by name.

A model file (``pipeline/rules/models/*.json``) lists the names of the features it was
trained on beside their weights. Loading it checks those names against the code's feature
table: a feature the model names and the code does not compute, or one the code computes
and the model lacks, is an error that names them (a model trained before a feature was
added or renamed). The weights are then taken by name, in the code's order.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence


def weights_by_name(model: str, key: str, code: Sequence[str], names: Sequence[str],
                    weights: Sequence[float]) -> tuple[float, ...]:
    """The model's weights in the order of ``code`` (the code's feature names); ``key`` is
    the model file's field that lists ``names``. A ValueError names what differs."""
    problem = names_problem(key, code, names)
    if problem is None and len(weights) != len(names):
        problem = f"wrong number of weights ({len(weights)} for {len(names)} {key})"
    if problem is not None:
        raise ValueError(f"model {model}: {problem}")
    by_name = dict(zip(names, (float(w) for w in weights)))
    return tuple(by_name[name] for name in code)


def names_problem(key: str, code: Sequence[str], names: Sequence[str]) -> str | None:
    """What is wrong with a model's feature names against the code's, if anything: a name
    listed twice, names the code does not compute, names of the code the model lacks."""
    twice = sorted(name for name, count in Counter(names).items() if count > 1)
    if twice:
        return f"{key} lists {', '.join(twice)} more than once"
    missing = [name for name in names if name not in code]
    extra = [name for name in code if name not in names]
    parts = ([f"the code computes no {', '.join(missing)}"] if missing else []) + (
        [f"the model has no weight for {', '.join(extra)}"] if extra else [])
    return f"{key} differ from the code's: {'; '.join(parts)}" if parts else None
