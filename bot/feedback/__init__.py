"""The turn log, ratings of answers and inbox states, for trainers (masked, kept `retention_days`)."""
