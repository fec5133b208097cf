"""The Vega, Vega-Lite and Vega-Embed scripts the book serves itself (no CDN).

Kept apart from charts.py so that a build with nothing to do need not import Altair.
"""

from __future__ import annotations

VEGA_LITE_VERSION = "6.4"  # the Vega-Lite major.minor that altair 6.3 emits
BUNDLE_REVISION = 4  # bump when vega_bundle() changes


def vega_bundle() -> str:
    """The three libraries as one script, from the vl-convert package.

    The bundle declares top-level constants; wrapped in a function they cannot
    clash with other scripts of the page. It still sets window.vegaEmbed.
    """
    import vl_convert as vlc

    return "(function () {\n" + vlc.javascript_bundle(vl_version=VEGA_LITE_VERSION) + "\n})();\n"
