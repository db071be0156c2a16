from flask import Blueprint


def health_blueprint() -> Blueprint:
    blueprint = Blueprint("health", __name__, url_prefix="/api")

    @blueprint.get("/health-check")
    def health_check() -> dict[str, str]:
        return {"status": "ok"}

    return blueprint
