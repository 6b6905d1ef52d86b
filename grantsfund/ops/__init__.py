"""Running the service in production: the checks a configuration must pass before it serves the public."""
