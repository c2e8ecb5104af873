"""The learning-rate schedule both training scripts use."""
import math


def warmup_cosine(step: int, peak: float, warmup: int, total: int) -> float:
    """Linear warm-up to peak over `warmup` steps, then cosine down to 5 % of peak at `total`."""
    if step < warmup:
        return peak * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * p)))
