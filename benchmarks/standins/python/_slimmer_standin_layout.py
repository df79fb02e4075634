"""Install layout of the official python images, for the stand-in python images only.

The official images run a python built with prefix /usr/local: `pip install` lands in
/usr/local/lib/python3.11/site-packages and `pip install --prefix=P` in
P/lib/python3.11/site-packages. Debian's python (what the stand-ins carry) uses
/usr/local/lib/python3.11/dist-packages and P/local/lib/python3.11/dist-packages instead, and
multi-stage Dockerfiles that copy site-packages or a prefix between stages depend on the
difference. This module, loaded at start-up by a .pth file in /usr/lib/python3/dist-packages,
makes Debian's default install scheme ("posix_local") give upstream's paths, and puts
/usr/local/lib/python3.11/site-packages on sys.path ahead of Debian's dist-packages, where the
official images have it. Virtual environments do not load it (they use upstream's layout).
"""
import os
import site
import sys
import sysconfig

_PY = "python%d.%d" % sys.version_info[:2]
_SITE_PACKAGES = "/usr/local/lib/%s/site-packages" % _PY
_DEBIAN_LOCAL = "/usr/local/lib/%s/dist-packages" % _PY


def _install():
    if getattr(sysconfig, "_slimmer_standin", False) or sys.prefix != sys.base_prefix:
        return
    original = sysconfig.get_paths

    def get_paths(scheme=None, vars=None, expand=True):
        if scheme is None:
            scheme = sysconfig.get_default_scheme()
        if scheme != "posix_local" or not expand:
            return original(scheme, vars, expand)
        if vars and vars.get("base") is not None:
            # An explicit prefix (pip install --prefix=P, pip's build environments).
            return original("posix_prefix", vars, expand)
        paths = original(scheme, vars, expand)
        for key in ("purelib", "platlib"):
            if paths.get(key) == _DEBIAN_LOCAL:
                paths[key] = _SITE_PACKAGES
        return paths

    get_paths.__doc__ = original.__doc__
    sysconfig.get_paths = get_paths
    sysconfig._slimmer_standin = True

    if os.path.isdir(_SITE_PACKAGES) and _SITE_PACKAGES not in sys.path:
        before = list(sys.path)
        site.addsitedir(_SITE_PACKAGES)
        added = [p for p in sys.path if p not in before]
        rest = [p for p in sys.path if p in before]
        at = next((i for i, p in enumerate(rest) if p.endswith("dist-packages")), len(rest))
        sys.path[:] = rest[:at] + added + rest[at:]


_install()
