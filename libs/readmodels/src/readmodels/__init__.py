"""Read models built from other services' events; each service declares the tables in its own database."""
