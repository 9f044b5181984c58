"""API tests: scope (AC1), confidential figures (AC3), mass assignment (AC4), locking (RL1), schema."""
