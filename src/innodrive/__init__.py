"""innodrive — the machinery of a city's innovation-driven development policy, as software.

Reads policy documents (决定/公报/决议/规划/工作要点) into structured plans, tracks targets
and tasks against data and time, builds composite indices and 考核 scores, and evaluates
enterprises against the official qualification rules.
"""

__version__ = "0.1.0"
