"""GS-PRE-2.4: flowcharts are drawn from transition tables by Graphviz, in any shape apps use."""

import xml.etree.ElementTree as ET

import pytest

from sanxiang.catalog import workflow
from sanxiang.core import flowchart
from sanxiang.core.flowchart import edges_of, render_svg, render_workflow, transition_rows

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_catalog_workflow_is_drawn_with_every_state_and_transition():
    root = parse(render_workflow(workflow, title="目录审核发布"))
    drawn = "".join(texts(root))
    for status in workflow.VersionStatus:
        assert str(status.label) in texts(root)
    for transition in workflow.TRANSITIONS:
        assert str(transition.label) in drawn
    assert root.find(f"{SVG}title").text == "目录审核发布"
    assert "→" in root.find(f"{SVG}desc").text
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    assert len(nodes) == len(workflow.VersionStatus)
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    assert len(edges) == len(workflow.TRANSITIONS)
    # steps back to an earlier state (return, revoke) are dashed
    dashed = [g for g in edges if g.find(f"{SVG}path").get("stroke-dasharray")]
    assert len(dashed) == 3


def test_no_internal_key_or_id_reaches_the_markup():
    svg = render_workflow(workflow, title="目录审核发布")
    root = parse(svg)
    assert len(root.findall(f".//{SVG}title")) == 1  # ours; dot's per-node titles are gone
    assert not [el for el in root.iter() if el.get("id")]
    for status in workflow.VersionStatus:
        assert f">{status.value}<" not in svg
    assert "Noto Sans CJK SC" in svg


def test_states_are_ranked_from_the_initial_state_down():
    svg = render_svg(
        states={"a": "甲", "b": "乙", "c": "丙"},
        transitions=[("a", "b", "一"), ("b", "c", "二"), ("a", "c", "直达"), ("c", "a", "重来")],
        initial="a",
    )
    ys = {t.text: float(t.get("y")) for t in parse(svg).iter(f"{SVG}text") if t.text in "甲乙丙"}
    assert ys["甲"] < ys["乙"] < ys["丙"]


def test_long_labels_are_wrapped_without_a_line_starting_with_punctuation():
    svg = render_svg(
        states={"a": "甲", "b": "乙"},
        transitions=[("a", "b", "缴清罚款（含加处罚款）并提交缴款凭证复印件")],
        initial="a",
    )
    lines = [t for t in texts(parse(svg)) if t not in ("甲", "乙")]
    assert len(lines) > 1 and "".join(lines) == "缴清罚款（含加处罚款）并提交缴款凭证复印件"
    assert not any(line.startswith("）") for line in lines)


def test_dot_runs_once_per_chart(monkeypatch):
    flowchart._layout.cache_clear()
    calls = []
    real = flowchart.graphviz.Source.pipe

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(flowchart.graphviz.Source, "pipe", counting)
    for _ in range(3):
        render_workflow(workflow, title="目录审核发布")
    assert len(calls) == 1


def test_a_missing_dot_leaves_the_text_table(monkeypatch):
    flowchart._layout.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    assert render_svg(states=None, transitions=[("x", "y", "改")], initial="x") == ""
    flowchart._layout.cache_clear()


def test_mapping_and_object_tables_are_accepted():
    assert [e.target for e in edges_of({("draft", "submit"): "submitted"})] == ["submitted"]
    assert transition_rows(workflow.TRANSITIONS, workflow.STATES)[0] == (
        "草稿",
        "提交法制审核",
        "待法制审核",
    )


@pytest.mark.parametrize("label", ['a&b"\\n<x>', "</text><script>"])
def test_labels_are_escaped(label):
    svg = render_svg(states={"x": "<script>"}, transitions=[("x", "y", label)], initial="x")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert label in "".join(texts(parse(svg)))


def test_empty_table_draws_nothing():
    assert render_svg(states=None, transitions=[]) == ""
