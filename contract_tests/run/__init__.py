"""Sending: targets, pacing, progress, the runner and the replay file. Builds on `plan`,
`judge` and `core`."""
