"""Aftercare SMS reminders for pain clinics."""
