"""What to send: values, mutants, strategies, probes and the seeded plan, all derived
from the operation model. Builds on `core` only."""
