"""What an answer means: the one status-to-verdict table (`statuses`). Builds on `core`
only."""
