"""Pure NumPy kernels of the assessment engine, chosen by name.

Every kernel is a plain function over arrays: no pandas, no I/O, no state. The
pipeline steps look kernels up by the names below, so that a step's parameters (and
therefore the coin's log) are plain JSON. Array convention: the last axis is the
indicator, the one before it the unit; any leading axes (for example a replications
axis in the uncertainty analysis) broadcast.
"""

from innodrive.assessment.kernels.aggregate import AGGREGATORS
from innodrive.assessment.kernels.impute import IMPUTERS
from innodrive.assessment.kernels.normalise import NORMALISERS
from innodrive.assessment.kernels.weights import WEIGHTERS

__all__ = ["AGGREGATORS", "IMPUTERS", "NORMALISERS", "WEIGHTERS"]
