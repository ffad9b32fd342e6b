"""GS-PRE-2.4: flowcharts are drawn from transition tables, in any of the shapes apps use."""

import xml.etree.ElementTree as ET

from sanxiang.catalog import workflow
from sanxiang.core.flowchart import edges_of, render_svg, render_workflow, transition_rows

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_catalog_workflow_is_drawn_with_every_state_and_transition():
    root = parse(render_workflow(workflow, title="目录审核发布"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for status in workflow.VersionStatus:
        assert str(status.label) in texts
    for transition in workflow.TRANSITIONS:
        assert str(transition.label) in texts
    assert root.find(f"{SVG}title").text == "目录审核发布"
    boxes = root.findall(f"{SVG}rect")
    assert len(boxes) == len(workflow.VersionStatus)
    # back edges (return, revoke) are dashed polylines; forward edges straight lines
    assert len(root.findall(f"{SVG}polyline")) == 3
    assert len(root.findall(f"{SVG}line")) == 4


def test_layers_follow_the_longest_path():
    svg = render_svg(
        states={"a": "甲", "b": "乙", "c": "丙"},
        transitions=[("a", "b", "一"), ("b", "c", "二"), ("a", "c", "直达"), ("c", "a", "重来")],
        initial="a",
    )
    root = parse(svg)
    ys = {t.text: float(t.get("y")) for t in root.iter(f"{SVG}text") if t.text in "甲乙丙"}
    assert ys["甲"] < ys["乙"] < ys["丙"]


def test_mapping_and_object_tables_are_accepted():
    assert [e.target for e in edges_of({("draft", "submit"): "submitted"})] == ["submitted"]
    assert transition_rows(workflow.TRANSITIONS, workflow.STATES)[0] == (
        "草稿",
        "提交法制审核",
        "待法制审核",
    )


def test_labels_are_escaped():
    svg = render_svg(states={"x": "<script>"}, transitions=[("x", "y", "a&b")], initial="x")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg
    parse(svg)


def test_empty_table_draws_nothing():
    assert render_svg(states=None, transitions=[]) == ""
