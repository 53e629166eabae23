"""Privacy: people's own data page, erasure that keeps the counts, retention, and the export log."""
