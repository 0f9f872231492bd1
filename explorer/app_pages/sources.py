"""Sources: upload and ingest notes (progress and per-file report), list sources, remove one."""

from __future__ import annotations

import pandas as pd
import pyoxigraph as ox
import streamlit as st

from explorer import views
from explorer.state import get_kg, t
from explorer.uploads import UPLOAD_LIMIT, UPLOAD_TYPES, UploadReport, ingest_uploads
from explorer.workflows import recluster

kg = get_kg()
st.title(t("page_sources"))

with st.form("upload_form", clear_on_submit=True):
    uploaded = st.file_uploader(t("upload"), type=UPLOAD_TYPES, accept_multiple_files=True, key="uploads",
                                max_upload_size=max(1, UPLOAD_LIMIT // (1024 * 1024)))
    submitted = st.form_submit_button(t("ingest_button"), type="primary")
if submitted and uploaded:
    bar = st.progress(0.0)

    def tick(done: int, total: int, report: UploadReport) -> None:
        bar.progress(done / total, text=t("ingesting", name=report.name))

    reports = ingest_uploads(kg, ((f.name, f.getvalue()) for f in uploaded), tick)
    st.session_state["upload_reports"] = [r.__dict__ for r in reports]
    bar.empty()

if st.session_state.get("upload_reports"):
    reports = st.session_state["upload_reports"]
    bad = sum(1 for r in reports if r["error"])
    (st.warning if bad else st.success)(t("ingest_done", ok=len(reports) - bad, bad=bad))
    st.dataframe(pd.DataFrame([{
        t("report_file"): r["name"], t("report_questions"): r["questions"], t("report_mentions"): r["mentions"],
        t("report_relations"): r["relations"], t("report_status"): r["error"] or t("ok")} for r in reports]),
        hide_index=True, width="stretch")
st.caption(t("upload_limit", mb=UPLOAD_LIMIT // (1024 * 1024)))

st.markdown(f"### {t('sources_list')}")
sources = kg.sources()
if not sources:
    st.info(t("no_sources"))
else:
    st.dataframe(pd.DataFrame([{t("report_file"): s["file"], t("title"): s["title"],
                                t("report_questions"): s["questions"]} for s in sources]),
                 hide_index=True, width="stretch")
    st.markdown(f"#### {t('remove_source')}")
    by_iri = {str(s["iri"]): s for s in sources}
    pick = st.selectbox(t("remove_pick"), list(by_iri), key="remove_pick",
                        format_func=lambda i: str(by_iri[i]["file"]))
    confirm = st.checkbox(t("remove_confirm"), key="remove_confirm")
    if st.button(t("remove_button"), key="remove_button", disabled=not confirm, type="secondary"):
        kg.remove_source(ox.NamedNode(pick))
        recluster(kg)  # its questions no longer head or join duplicate clusters
        st.session_state.pop("remove_confirm", None)
        st.session_state["removed"] = str(by_iri[pick]["file"])
        st.rerun()
if st.session_state.get("removed"):
    st.success(t("removed", name=views.md(st.session_state.pop("removed"))))
