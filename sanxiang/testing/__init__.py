"""Test support shared by every app's tests: factories built on the services, fixtures."""
