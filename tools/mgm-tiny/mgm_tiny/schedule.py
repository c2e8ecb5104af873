"""The learning-rate schedule both training scripts use."""
import math


def warmup_cosine(step: int, peak: float, warmup: int, total: int) -> float:
    """Linear warm-up to peak over `warmup` steps, then cosine down to 5 % of peak at `total`."""
    if step < warmup:
        return peak * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * p)))


def budget_steps(step: int, total: int, seconds_left: float, per_step: float) -> int:
    """The run's total steps cut so that it ends within seconds_left at per_step seconds a step (never below
    the next step, never above total). The cosine then decays over the shorter run from where it is."""
    return max(step + 1, min(total, step + int(max(0.0, seconds_left) / max(per_step, 1e-9))))
