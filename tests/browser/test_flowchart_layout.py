"""GS-PRE-2.4 (ADR 0095): the published flowcharts are readable — no edge label lies on another
label or on a box. Boxes are measured in Chromium from the rendered SVG (``getBBox``), on
/public/procedures/; screenshots of each chart go to test-results/."""

from __future__ import annotations

import datetime

import pytest

from sanxiang.catalog.samples import load_sample_catalogs
from sanxiang.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = """svg => {
  const box = el => { const b = el.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const union = boxes => [Math.min(...boxes.map(b => b[0])), Math.min(...boxes.map(b => b[1])),
                          Math.max(...boxes.map(b => b[2])), Math.max(...boxes.map(b => b[3]))];
  return {
    title: svg.querySelector('title').textContent,
    nodes: [...svg.querySelectorAll('g.node')].map(g => ({
      text: g.textContent.trim(), box: box(g.querySelector('path, polygon'))})),
    labels: [...svg.querySelectorAll('g.edge')].filter(g => g.querySelector('text')).map(g => ({
      text: [...g.querySelectorAll('text')].map(t => t.textContent).join(''),
      box: union([...g.querySelectorAll('text')].map(box))})),
  };
}"""


def overlap(a, b, slack=0.5) -> bool:
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


def test_no_edge_label_overlaps_a_label_or_a_box(page, transactional_db, output_dir):
    provincial = factories.agency(name="测试省煤矿安全监察局", short="测")
    load_sample_catalogs(
        agency=provincial,
        effective_from=datetime.date(2025, 1, 1),
        **factories.catalog_team(agency=provincial),
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + "/public/procedures/")
    charts = page.locator("svg.flowchart")
    assert charts.count() >= 4  # catalog publication, inspection, penalty, legal review
    titles = []
    for index in range(charts.count()):
        chart = charts.nth(index)
        drawn = chart.evaluate(MEASURE)
        titles.append(drawn["title"])
        chart.screenshot(path=str(output_dir / f"flowchart-{index}.png"))
        labels, nodes = drawn["labels"], drawn["nodes"]
        assert labels and nodes
        clashes = [
            (a["text"], b["text"])
            for i, a in enumerate(labels)
            for b in labels[i + 1 :]
            if overlap(a["box"], b["box"])
        ] + [(a["text"], n["text"]) for a in labels for n in nodes if overlap(a["box"], n["box"])]
        assert not clashes, f"{drawn['title']}: {clashes}"
    assert "行政处罚流程" in titles and "重大执法决定法制审核流程" in titles
