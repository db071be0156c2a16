"""Services / Use Cases: the application's rules, free of any web framework.

Services take and return plain Python values (views in `services.views`), use repositories for
storage, and signal failures with the domain errors of `services.errors`.
"""
