"""notes: a small CLI that turns dated one-line notes into a weekly digest."""
