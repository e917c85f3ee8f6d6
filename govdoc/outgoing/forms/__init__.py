"""Forms of the outgoing pages: they parse input; the services decide what is valid."""
