"""Draws the Grafana dashboard's graph panels from a Prometheus, for a picture in the docs.

Each panel's queries are read from the dashboard JSON (template variables set to All) and run
over a time range with Prometheus's query_range API, so the picture shows what Grafana would.

  python3 render.py --prometheus http://127.0.0.1:19090 --start 1764170000 --end 1764170500 \
      --dashboard compose/grafana/dashboards/dmap.json --output docs/dashboard.png --note "..."
"""
import argparse
import json
import math
import re
import urllib.parse
import urllib.request

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STEP = 5  # seconds between points
UNITS = {"reqps": "requests/s", "ops": "per second", "s": "seconds", "percentunit": "share (0 to 1)", "bytes": "GiB",
         "short": ""}
SCALE = {"bytes": 1 / 2**30}
BACKGROUND, PANEL, TEXT, GRID = "#111217", "#181b1f", "#ccccdc", "#2c3035"
PALETTE = ["#73bf69", "#5794f2", "#ff9830", "#f2495c", "#b877d9", "#f2cc0c", "#8ab8ff", "#96d98d",
           "#ffb357", "#ca95e5", "#ff7383", "#fade2a"]


def query_range(prometheus, expr, start, end):
    params = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": STEP})
    with urllib.request.urlopen(f"{prometheus}/api/v1/query_range?{params}", timeout=30) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise SystemExit(f"render: Prometheus refused {expr!r}: {body}")
    return body["data"]["result"]


def expand(expr):
    return expr.replace("$model", ".*").replace("$worker", ".*")


def with_gaps(points):
    """Breaks the line where Prometheus has no samples (a missed scrape), instead of bridging it."""
    broken = []
    for point in points:
        if broken and point[0] - broken[-1][0] > 2 * STEP / 60:
            broken.append((broken[-1][0] + STEP / 60, float("nan")))
        broken.append(point)
    return broken


def legend(template, labels):
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), template or "").strip()


class Colours:
    """One colour per model (or per series name) across every panel."""

    def __init__(self):
        self.assigned = {}

    def of(self, key):
        if key not in self.assigned:
            self.assigned[key] = PALETTE[len(self.assigned) % len(PALETTE)]
        return self.assigned[key]


def style(ax, title, unit, start, end):
    ax.set_facecolor(PANEL)
    ax.set_title(title, color=TEXT, fontsize=11, loc="left")
    ax.tick_params(colors=TEXT, labelsize=8)
    for spine in ax.spines.values():
        spine.set_color(GRID)
    ax.grid(color=GRID, linewidth=0.6)
    ax.set_xlim(0, (end - start) / 60)
    ax.set_xlabel("minutes into the run", color=TEXT, fontsize=8)
    if UNITS.get(unit):
        ax.set_ylabel(UNITS[unit], color=TEXT, fontsize=8)
    if unit == "percentunit":
        ax.set_ylim(0, 1.05)


def draw_timeseries(ax, panel, args, colours, unit):
    scale = SCALE.get(unit, 1)
    drawn = 0
    for target in panel.get("targets", []):
        template = target.get("legendFormat", "")
        dashed = template.startswith("p95") and any(t.get("legendFormat", "").startswith("p50") for t in panel["targets"])
        for series in query_range(args.prometheus, expand(target["expr"]), args.start, args.end):
            labels = series["metric"]
            points = with_gaps([((float(t) - args.start) / 60, float(v) * scale) for t, v in series["values"]])
            if not any(math.isfinite(v) and v != 0 for _, v in points):
                continue
            key = labels.get("model") or labels.get("code") or labels.get("reason") or legend(template, labels)
            ax.plot([p[0] for p in points], [p[1] for p in points], label=legend(template, labels),
                    color=colours.of(key), linewidth=1.4, linestyle="--" if dashed else "-")
            drawn += 1
    if drawn:
        ax.legend(fontsize=7, facecolor=PANEL, edgecolor=GRID, labelcolor=TEXT, loc="upper right",
                  ncol=2 if drawn > 5 else 1)
    else:
        ax.text(0.5, 0.5, "no data (none happened)", transform=ax.transAxes, ha="center", color=TEXT, fontsize=9)


def draw_state_timeline(ax, panel, args, colours):
    rows = {}
    for target in panel.get("targets", []):
        for series in query_range(args.prometheus, expand(target["expr"]), args.start, args.end):
            worker, model = series["metric"].get("worker", "?"), series["metric"].get("model", "?")
            times = [(float(t) - args.start) / 60 for t, _ in series["values"]]
            spans, first, last = [], None, None
            for t in times:  # the query keeps only the points where the model was loaded
                if first is None or t - last > STEP * 1.5 / 60:
                    if first is not None:
                        spans.append((first, last - first + STEP / 60))
                    first = t
                last = t
            if first is not None:
                spans.append((first, last - first + STEP / 60))
            rows.setdefault(worker, []).append((model, spans))
    workers = sorted(rows)
    seen = set()
    for y, worker in enumerate(workers):
        for model, spans in rows[worker]:
            ax.broken_barh(spans, (y - 0.35, 0.7), color=colours.of(model), label=None if model in seen else model)
            seen.add(model)
    ax.set_yticks(range(len(workers)), workers)
    ax.set_ylim(-0.6, len(workers) - 0.4)
    if seen:
        ax.legend(fontsize=7, facecolor=PANEL, edgecolor=GRID, labelcolor=TEXT, loc="upper right")


def alerts_fired(args):
    fired = {}
    for series in query_range(args.prometheus, 'ALERTS{alertstate="firing"}', args.start, args.end):
        name = series["metric"]["alertname"]
        at = min(float(t) for t, _ in series["values"]) - args.start
        fired[name] = min(fired.get(name, at), at)
    return ", ".join(f"{name} (from {int(at // 60)}:{int(at % 60):02d})" for name, at in sorted(fired.items(), key=lambda i: i[1])) or "none"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prometheus", required=True)
    parser.add_argument("--start", type=float, required=True)
    parser.add_argument("--end", type=float, required=True)
    parser.add_argument("--dashboard", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--note", default="")
    args = parser.parse_args()

    dashboard = json.load(open(args.dashboard))
    panels = [p for p in dashboard["panels"] if p.get("type") in ("timeseries", "state-timeline")]
    columns = 3
    rows = math.ceil(len(panels) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(18, 4.1 * rows), facecolor=BACKGROUND)
    colours = Colours()
    with urllib.request.urlopen(f"{args.prometheus}/api/v1/label/model/values", timeout=30) as response:
        for model in sorted(json.load(response)["data"]):  # the same colour for a model in every panel and run
            colours.of(model)
    for ax, panel in zip(axes.flat, panels):
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
        style(ax, panel["title"], unit, args.start, args.end)
        if panel["type"] == "state-timeline":
            draw_state_timeline(ax, panel, args, colours)
        else:
            draw_timeseries(ax, panel, args, colours, unit)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    figure.suptitle(f"{dashboard.get('title', 'dmap')}: the Grafana dashboard's panels, drawn from Prometheus\n"
                    f"{args.note}\nalerts fired: {alerts_fired(args)}", color=TEXT, fontsize=12, x=0.01, ha="left")
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    figure.savefig(args.output, dpi=80, facecolor=BACKGROUND)


if __name__ == "__main__":
    main()
