"""Settings packages: base (shared), dev, demo, test, production. Demo settings are never production's."""
