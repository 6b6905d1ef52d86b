"""Open data: the council's awarded grants published in the 360Giving Data Standard (records, validation, writers,
the publication page and `flask publish 360giving`)."""
