"""Routes / Handlers: Flask blueprints that turn HTTP requests into service calls and views into JSON.

Each module exposes a factory that receives its services, so routes never build or import repositories.
"""
