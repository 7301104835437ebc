"""Usage figures and plots for trainers: questions per day, outcomes, ratings per entry, unused knowledge."""
