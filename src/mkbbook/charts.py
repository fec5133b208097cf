"""Altair charts for the book: one renderer for web, PDF and nbval, one look.

The renderer emits ``text/html`` (an interactive chart that uses the Vega
scripts the book itself serves, no CDN) and ``image/png`` (a static copy made
by vl-convert, used by the PDF). The HTML element id is a hash of the chart
spec, so re-running a notebook gives byte-identical output.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

import altair as alt
import pandas as pd
import vl_convert as vlc

from .vega import VEGA_LITE_VERSION

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
REGION_COLOR = PALETTE[0]
NL_COLOR = PALETTE[1]
FONT = "Helvetica, Arial, sans-serif"  # system fonts only: nothing is fetched when a page is read


def _theme():
    return {"config": {
        "background": "white",
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#222", "titleColor": "#222"},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
        "title": {"fontSize": 15, "anchor": "start", "color": "#111", "subtitleColor": "#333"},
        "range": {"category": PALETTE},
        # Dutch number format in axes, labels and tooltips: 1.234,5
        "locale": {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}},
    }}


def render(spec: dict, **_) -> dict:
    """Mimebundle for a Vega-Lite spec: deterministic HTML for the web plus a PNG for print.

    For screen readers a chart is one image, named by the spec's ``description``: the outer
    div has role="img" and the aria-label; the SVG that vega-embed draws goes into an inner
    div hidden from assistive technology, and is drawn with Vega's ARIA output off. (Vega
    would otherwise give the outer div its own role and expose every bar and axis.)
    """
    spec_json = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    chart_id = "mkb-chart-" + hashlib.sha256(spec_json.encode()).hexdigest()[:12]
    safe_json = spec_json.replace("</", "<\\/")
    label = html.escape(spec.get("description", ""), quote=True)
    markup = (
        f'<div class="mkb-chart" id="{chart_id}" role="img" aria-label="{label}">'
        f'<div class="mkb-chart-view" aria-hidden="true"></div></div>\n'
        f'<script type="text/javascript">(function () {{\n'
        f'  var spec = {safe_json};\n'
        f'  function show() {{\n'
        f'    var box = document.getElementById("{chart_id}");\n'
        f'    function fail() {{ box.textContent = '
        f'"De grafiek kon niet worden geladen; zie de tabel of download de gegevens."; }}\n'
        f'    if (!window.vegaEmbed) {{ fail(); return; }}\n'
        f'    vegaEmbed(box.querySelector(".mkb-chart-view"), spec, {{"actions": false, "renderer": "svg",'
        f' "config": {{"aria": false}}}}).catch(function (e) {{ fail(); console.error(e); }});\n'
        f'  }}\n'
        f'  if (document.readyState === "loading") {{ document.addEventListener("DOMContentLoaded", show); }}'
        f' else {{ show(); }}\n'
        f'}})();</script>'
    )
    png = vlc.vegalite_to_png(spec, vl_version=VEGA_LITE_VERSION, scale=2)
    return {"text/html": markup, "image/png": base64.b64encode(png).decode()}


def enable() -> None:
    """Use the book's renderer and theme in this kernel."""
    alt.renderers.register("mkbbook", render)
    alt.renderers.enable("mkbbook")
    alt.theme.register("mkbbook", enable=True)(_theme)
    alt.data_transformers.disable_max_rows()


# --- Chart factories -------------------------------------------------------------------

def hbar(df: pd.DataFrame, value: str, category: str, *, title: str, value_title: str,
         fmt: str = ",.0f", description: str, color: str = REGION_COLOR) -> alt.Chart:
    """Horizontal bars sorted by value, each labelled with its value (no colour needed to read it)."""
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(f"{category}:N", sort="-x", title=None),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=fmt)],
    )
    bars = base.mark_bar(color=color)
    labels = base.mark_text(align="left", dx=3, fontSize=11, color="#222").encode(
        text=alt.Text(f"{value}:Q", format=fmt))
    return (bars + labels).properties(width=420, height=alt.Step(16), description=description)


def grouped_bars(df: pd.DataFrame, value: str, category: str, group: str, *, title: str,
                 value_title: str, fmt: str = ".1f", description: str, group_order=None) -> alt.Chart:
    """Bars per category with one bar per group, told apart by colour and by pattern of opacity and labels."""
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(f"{category}:N", title=None, sort=None),
        yOffset=alt.YOffset(f"{group}:N", sort=group_order),
        x=alt.X(f"{value}:Q", title=value_title),
        color=alt.Color(f"{group}:N", title=None, sort=group_order),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{group}:N"), alt.Tooltip(f"{value}:Q", format=fmt)],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="#222").encode(
        text=alt.Text(f"{value}:Q", format=fmt), color=alt.value("#222"))
    return (base.mark_bar() + labels).properties(width=420, height=alt.Step(12), description=description)


def lines(df: pd.DataFrame, x: str, y: str, series: str, *, title: str, y_title: str,
          description: str, fmt: str = ".1f", breaks: dict | None = None, zero: bool = False,
          series_order=None) -> alt.Chart:
    """Lines per series, told apart by colour, dash pattern and point shape, and named by a
    label at the end of each line (one legend would otherwise repeat per channel);
    optional vertical rules with a short label at data breaks {year: label}."""
    order = list(series_order or dict.fromkeys(df[series]))
    scales = dict(scale=alt.Scale(domain=order), legend=None)
    enc = dict(
        x=alt.X(f"{x}:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=zero)),
        color=alt.Color(f"{series}:N", **scales),
        strokeDash=alt.StrokeDash(f"{series}:N", **scales),
        tooltip=[alt.Tooltip(f"{series}:N"), alt.Tooltip(f"{x}:O"), alt.Tooltip(f"{y}:Q", format=fmt)],
    )
    chart = alt.Chart(df, title=title)
    last = df.sort_values(x).groupby(series, as_index=False).tail(1)
    layers = [chart.mark_line().encode(**enc),
              chart.mark_point(filled=True, size=40).encode(**enc, shape=alt.Shape(f"{series}:N", **scales))]
    for i, name in enumerate(order):  # labels stepped down so that close lines keep readable names
        layers.append(alt.Chart(last[last[series] == name]).mark_text(align="left", dx=8, dy=14 * i - 7,
                                                                      fontSize=11).encode(
            x=enc["x"], y=enc["y"], text=f"{series}:N", color=enc["color"]))
    if breaks:
        marks = pd.DataFrame({x: list(breaks), "label": list(breaks.values())})
        rule = alt.Chart(marks).encode(x=alt.X(f"{x}:O"))
        layers += [rule.mark_rule(color="#555", strokeDash=[2, 2]),
                   rule.mark_text(align="left", dx=4, dy=-4, baseline="top", fontSize=10, color="#333").encode(
                       text="label:N", y=alt.value(0))]
    return alt.layer(*layers).properties(width=420, height=260, description=description,
                                         padding={"right": 140})


def heatmap(df: pd.DataFrame, x: str, y: str, value: str, *, title: str, description: str,
            value_title: str, fmt: str = ".2f", midpoint: float | None = 1.0, x_order=None,
            y_order=None) -> alt.Chart:
    """Cells with their value printed in them. With a midpoint: a diverging blue-orange scale
    around it (e.g. location quotients around 1); without: a sequential blue scale (counts).
    The text turns white on the darkest cells so it keeps its contrast."""
    values = df[value].astype(float)
    if midpoint is None:
        scale = alt.Scale(scheme="blues")
        dark = f"datum['{value}'] > {values.min() + 0.55 * (values.max() - values.min())}"
    else:
        scale = alt.Scale(scheme="blueorange", domainMid=midpoint)
        dark = f"abs(datum['{value}'] - {midpoint}) > {0.55 * float((values - midpoint).abs().max())}"
    base = alt.Chart(df, title=title).encode(
        x=alt.X(f"{x}:N", title=None, sort=x_order, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y(f"{y}:N", title=None, sort=y_order),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", title=value_title, scale=scale),
        tooltip=[alt.Tooltip(f"{y}:N"), alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{value}:Q", format=fmt)],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text(f"{value}:Q", format=fmt),
        color=alt.condition(dark, alt.value("white"), alt.value("#111")))
    return (cells + text).properties(width=alt.Step(52), height=alt.Step(20), description=description)


def choropleth(geo, value: str, name: str, *, title: str, description: str, legend_title: str,
               fmt: str = ",.1f", scheme: str = "blues", labels: bool = True) -> alt.Chart:
    """Municipalities coloured by value (tooltip with name and value); the table next to it
    carries the same numbers, so the colour is never the only way to read them."""
    shapes = alt.Chart(geo, title=title).mark_geoshape(
        stroke="white", strokeWidth=0.7).encode(
        color=alt.Color(f"{value}:Q", title=legend_title, scale=alt.Scale(scheme=scheme),
                        legend=alt.Legend(format=fmt, orient="right")),
        tooltip=[alt.Tooltip(f"{name}:N", title="Gemeente"), alt.Tooltip(f"{value}:Q", format=fmt)],
    ).project(type="mercator")
    return shapes.properties(width=420, height=380, description=description)


def spans(df: pd.DataFrame, start: str, end: str, category: str, group: str, *, title: str, description: str,
          label: str | None = None, marker: str | None = None, open_end: str | None = None,
          x_title: str = "jaar", group_order=None, width: int = 300) -> alt.Chart:
    """A timeline: one horizontal span per row (category, in the order of df) from start to end
    (years; end exclusive, so 2021 to 2031 is 2021–2030), coloured by group; optional: a diamond
    at `marker` (e.g. the year of adoption, shape by group), spans whose `open_end` column is True
    drawn lighter, and a `label` column printed as a text column right of the plot."""
    lo, hi = int(df[start].min()), int(df[end].max())
    years = list(range(lo + lo % 2, hi + 1, 2))
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelLimit=380)))
    tooltip = [alt.Tooltip(f"{category}:N")] + ([alt.Tooltip(f"{label}:N")] if label else [])
    color = alt.Color(f"{group}:N", title=None, sort=group_order)
    bar = base.mark_bar(height=10).encode(
        x=alt.X(f"{start}:Q", title=x_title, scale=alt.Scale(domain=[lo, hi], nice=False, zero=False),
                axis=alt.Axis(format="d", values=years, labelAngle=0)),
        x2=alt.X2(f"{end}:Q"), color=color, tooltip=tooltip,
        opacity=alt.condition(f"datum['{open_end}']", alt.value(0.4), alt.value(1)) if open_end else alt.value(1))
    layers = [bar]
    if marker:
        layers.append(base.mark_point(filled=True, size=70, stroke="#111", strokeWidth=0.8).encode(
            x=alt.X(f"{marker}:Q"), shape=alt.Shape(f"{group}:N", sort=group_order, legend=None),
            color=color, tooltip=tooltip))
    if label:
        layers.append(base.mark_text(align="left", baseline="middle", fontSize=11, color="#222").encode(
            x=alt.value(width + 10), text=alt.Text(f"{label}:N")))
    return alt.layer(*layers).properties(width=width, height=alt.Step(18), description=description)


def count_bars(df: pd.DataFrame, value: str, category: str, *, title: str, value_title: str, description: str,
               group: str | None = None, group_order=None, label: str | None = None,
               label_limit: int = 300) -> alt.Chart:
    """Counts as horizontal bars in the order of df (not sorted by size), on an axis of whole numbers.
    With group: one bar per group inside each category, coloured by group. Each bar is printed with
    its value, or with the text of the `label` column (e.g. '3 regionaal'), so that the bars can be
    read without telling the colours apart."""
    top = max(int(df[value].max()) if len(df) else 0, 1)
    step = -(-top // 8)  # whole-number ticks, at most about 8 of them
    ticks = list(range(0, top + step, step))
    enc = dict(
        y=alt.Y(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelLimit=label_limit)),
        x=alt.X(f"{value}:Q", title=value_title, scale=alt.Scale(domain=[0, ticks[-1]]),
                axis=alt.Axis(format="d", values=ticks)),
        tooltip=[alt.Tooltip(f"{category}:N")] + ([alt.Tooltip(f"{group}:N")] if group else [])
        + [alt.Tooltip(f"{value}:Q", format="d")],
    )
    if group:
        enc["yOffset"] = alt.YOffset(f"{group}:N", sort=group_order)
        enc["color"] = alt.Color(f"{group}:N", title=None, sort=group_order)
    base = alt.Chart(df, title=title).encode(**enc)
    bars = base.mark_bar() if group else base.mark_bar(color=REGION_COLOR)
    text = alt.Text(f"{label}:N") if label else alt.Text(f"{value}:Q", format="d")
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="#222").encode(text=text, color=alt.value("#222"))
    return (bars + labels).properties(width=380, height=alt.Step(13 if group else 18), description=description)
