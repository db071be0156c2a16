"""Where every app and router object sits once every file is read: the prefixes of each chain of
mounts that reaches it (its own included), and where the plugin files @fastify/autoload loads sit."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cdverify.detect.framework.autoload import autoloaded
from cdverify.detect.framework.catalogue import constructors
from cdverify.detect.framework.objects import NOT_A_ROUTER, UNKNOWN, Edge, Key, Mount, Objects, Site
from cdverify.detect.framework.paths import anywhere, join, places
from cdverify.detect.framework.values import first_string


def settle(
    objects: Objects, prefixes: set[str]
) -> tuple[dict[Key, frozenset[str]], dict[str, frozenset[str]]]:
    """Every object's bases and every autoloaded file's, once all files are read; the autoload
    prefixes are added to `prefixes`."""
    for key, factory in objects.factories:
        member = objects.module_member(key[0], factory)
        target = objects.exported(member) if member is not None else None
        if target is not None and target != key:
            objects.links[key] = target  # the object the factory builds is the one assigned here
    for key, holder, own in objects.derived:
        objects.edge(key, objects.holder(key[0], *holder), own)
    for key, path, value in objects.attached:  # `Api(bp)`: the Api sits where the blueprint does
        given = objects.mounted(path, value)
        if given != NOT_A_ROUTER:
            objects.edge(key, given, "")
    unresolved: list[Mount] = []
    for mount in objects.mounts:
        prefix, args = mount.prefix, mount.args
        if (
            prefix is None
            and args
            and args[0].strings
            and objects.mounted(mount.file, args[0]) in (UNKNOWN, NOT_A_ROUTER)
        ):
            prefix, args = first_string(args[:1]) or "", args[1:]  # `app.use("/api", …)`
        mounter = objects.holder(mount.file, *mount.holder)
        if mounter is None and mount.family == "python" and prefix and prefix.startswith("/"):
            prefixes.add(prefix)  # `current_app.register_blueprint(bp, url_prefix="/api")`
        if not args and prefix and mounter is not None:  # koa-router `router.prefix("/api")`
            objects.sites[mounter] = objects.sites[mounter]._replace(own=prefix)
            continue
        found = [objects.mounted(mount.file, value) for value in args]
        sites = [key for key in found if key is not None and key != NOT_A_ROUTER]
        for key in sites:
            objects.edge(key, mounter, prefix or "", mount.replaces and prefix is not None)
        if mounter is None and prefix and prefix.startswith("/"):
            objects.mounted_untraced.update(sites)
        if not sites and UNKNOWN in found:
            unresolved.append(mount._replace(prefix=prefix or ""))
    # every mount is traced unless one could not be, where it matters (under a prefix, or on an object
    # that is not the root app)
    complete = {"node": True, "python": True}
    for mount in unresolved:
        mounter = objects.holder(mount.file, *mount.holder)
        root = (
            mounter is not None and objects.sites[mounter].kind == "app" and mounter not in objects.incoming
        )
        if mount.prefix not in ("", "/") or not root:
            complete[mount.family] = False
    loaded = autoloaded(objects)
    prefixes.update(p for _, p, applied in loaded.values() if applied and p.startswith("/"))
    somewhere = anywhere(prefixes)

    def placed(key: Key, heads: set[str], whole: set[str]) -> frozenset[str]:
        """Where `key` sits, given where its mounters put it (`heads`, under which its own prefix follows,
        and `whole`, where a mount's prefix replaced it; both empty when nothing mounts it)."""
        site = objects.sites[key]
        if not heads and not whole:
            # an app or router reached through URL configurations (a django-ninja `NinjaAPI` the URLconf
            # mounts by `path("api/", api.urls)`) sits wherever they may put it
            urlconf = _through_urlconfs(site)
            root = site.kind == "app" and (not site.nested or complete[site.family]) and not urlconf
            exact = complete[site.family] and not urlconf
            heads = {""} if root or exact else set(somewhere)
        return places([*(join(head, site.own) for head in heads), *whole])

    settled = _settle(list(objects.sites), objects.incoming, placed, somewhere)
    file_bases = {}
    for path, (loader, prefix, applied) in loaded.items():
        above = settled[loader] if loader is not None else somewhere
        file_bases[path] = places(join(head, prefix) for head in above) if applied else above
    return settled, file_bases


def _through_urlconfs(site: Site) -> bool:
    """An app or router reached through URL configurations, which are not followed (a Django REST framework
    router included by `path("api/", include(router.urls))`, a django-ninja API by `path("api/", api.urls)`):
    nothing mounting it does not place it."""
    known = constructors().get(site.ctor)
    return known is not None and bool(known[1].url_includes)


def _settle(
    keys: list[Key],
    incoming: Mapping[Key, list[Edge]],
    own: Callable[[Key, set[str], set[str]], frozenset[str]],
    somewhere: frozenset[str],
) -> dict[Key, frozenset[str]]:
    """Where every object sits: under each of its mounters' places joined with the mount's prefix
    (`incoming`), finished by `own`. Depth first with a stack of its own, as mounts may chain a
    thousand objects deep; a mounter on the current chain (a cycle) or None (untraced) is `somewhere`."""
    settled: dict[Key, frozenset[str]] = {}
    # the chain being settled: (object, its mounts, the next mount to take, the places found so far under
    # which its own prefix follows, and those whose mount replaced it)
    frames: list[tuple[Key, list[Edge], list[int], set[str], set[str]]] = []
    on_chain: set[Key] = set()
    for start in keys:
        pending: Key | None = start if start not in settled else None
        while pending is not None or frames:
            if pending is not None:
                frames.append((pending, incoming.get(pending, []), [0], set(), set()))
                on_chain.add(pending)
                pending = None
            key, mounts, at, heads, whole = frames[-1]
            while at[0] < len(mounts):
                mounter, prefix, replaces = mounts[at[0]]
                if mounter is not None and mounter not in settled and mounter not in on_chain:
                    pending = mounter  # settle the mounter first, then come back to this mount
                    break
                above = settled[mounter] if mounter is not None and mounter in settled else somewhere
                (whole if replaces else heads).update(join(head, prefix) for head in above)
                at[0] += 1
            if pending is None:
                settled[key] = own(key, heads, whole)
                frames.pop()
                on_chain.discard(key)
    return settled
