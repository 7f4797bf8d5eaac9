"""What a run showed: the recorder, the summary, the verdict and the pattern picture.
The top of the library; the pytest side (conftest, checks, plugin) sits above it."""
