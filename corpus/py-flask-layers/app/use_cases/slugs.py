import re
import secrets
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(title: str, *, unique: bool = True) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_title.lower()).strip("-") or "article"
    return f"{slug}-{secrets.token_hex(3)}" if unique else slug
