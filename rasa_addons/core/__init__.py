"""Changes to Rasa's own server code, installed once by `rasa_addons.serve` before Rasa starts."""
