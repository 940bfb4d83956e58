"""Helpers shared by the models (no models here)."""
