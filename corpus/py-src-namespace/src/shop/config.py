import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    database_url: str = os.environ.get("DATABASE_URL", "sqlite:///./shop.db")
    default_currency: str = os.environ.get("SHOP_CURRENCY", "EUR")


settings = Settings()
